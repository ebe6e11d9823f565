import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { playRecord } from '../tests/records.ts';
import { tempDir } from '../tests/temp.ts';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import { MECHANISMS, findMechanism } from '../mechanisms/registry.ts';
import { ROUND_RECORD, type AnyMechanism, type RoundRecordData } from '../mechanisms/core/types.ts';
import { dictionaryCsv, recordTables, sessionKeys, tableCsv, type Table } from './tables.ts';
import { resolveStudy } from './spec.ts';
import { runStudy } from './runner.ts';

const mechanism = (key: string) => findMechanism(key) as AnyMechanism;

/** A table's rows as CSV text parsed back (every cell a string, as a reader of the file sees it). */
function csvRows(table: Table): Record<string, string>[] {
  const [header, ...lines] = [...tableCsv(table)].join('').trim().split('\n');
  const names = (header ?? '').split(',');
  return lines.filter(Boolean).map((l) => {
    const cells = l.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.map((c) => c.replace(/,$/, '').replace(/^"(.*)"$/s, '$1').replaceAll('""', '"')) ?? [];
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']));
  });
}

const tablesOf = (events: readonly LedgerEvent[]) => {
  const tables = recordTables(() => events, { keys: sessionKeys('s1') });
  const get = (name: string) => {
    const t = tables.find((x) => x.name === name);
    if (!t) throw new Error(`no table ${name}`);
    return csvRows(t);
  };
  return { tables, get };
};

const roundRows = (events: readonly LedgerEvent[]) => events.filter((e) => e.kind === ROUND_RECORD).flatMap((e) => (e.data as unknown as RoundRecordData).rows);

// A market with given schedules and three periods, played by ZI-C traders.
const market = () =>
  playRecord({
    mechanism: mechanism('double-auction@1'),
    config: { buyers: [[150, 120, 90], [140, 110, 80]], sellers: [[30, 60, 90], [40, 70, 100]], periods: 3, periodMs: 30_000, maxOpenOrdersPerTrader: 2 },
    seats: [{ policy: 'zi-c' }, { policy: 'zi-c' }, { policy: 'zi-c' }, { policy: 'zi-c' }],
    seed: 3,
  });

describe('double-auction tables', () => {
  const events = market();
  const { get } = tablesOf(events);

  it('trades: one row per trade event, with both parties, both orders and the surplus of each', () => {
    const trades = get('trades');
    const recorded = events.filter((e) => e.kind === 'trade');
    expect(trades.length).toBeGreaterThan(0);
    expect(trades.map((t) => Number(t.seq))).toEqual(recorded.map((e) => e.seq));
    expect(trades.map((t) => Number(t.price))).toEqual(recorded.map((e) => e.data.price));
    for (const t of trades) {
      expect(['p0', 'p1']).toContain(t.buyer);
      expect(['p2', 'p3']).toContain(t.seller);
      expect(Number(t.buyer_value) - Number(t.price)).toBeCloseTo(Number(t.buyer_profit), 9);
      expect(Number(t.price) - Number(t.seller_cost)).toBeCloseTo(Number(t.seller_profit), 9);
      expect(t.wall_time).toBe('');
    }
    // Each trader's trade prices are its participant-round prices, period by period.
    for (const r of roundRows(events)) {
      const mine = trades.filter((t) => Number(t.period) === r.round && (t.buyer === r.seat || t.seller === r.seat)).map((t) => t.price);
      expect(mine.join('/')).toBe(r.fields.prices);
    }
  });

  it('orders: placed, cancelled, replaced and filled, each trade filling its two orders', () => {
    const orders = get('orders');
    expect(orders.filter((o) => o.event === 'placed')).toHaveLength(events.filter((e) => e.kind === 'own_order_placed').length);
    expect(orders.filter((o) => o.event === 'replaced').length).toBeGreaterThan(0);
    for (const t of get('trades')) {
      expect(orders.find((o) => o.order_id === t.buy_order && o.event === 'filled')).toMatchObject({ seat: t.buyer, side: 'bid', seq: expect.any(String) as string });
      expect(orders.find((o) => o.order_id === t.sell_order && o.event === 'filled')).toMatchObject({ seat: t.seller, side: 'ask' });
    }
    // A placed order that replaced another names it, and the other was the same trader's, withdrawn at that moment.
    for (const o of orders.filter((x) => x.replaces !== '')) {
      const gone = orders.find((x) => x.order_id === o.replaces && x.event === 'replaced');
      expect(gone).toMatchObject({ seat: o.seat, at_ms: o.at_ms });
    }
    for (const o of orders.filter((x) => x.event === 'placed')) expect(['0', '1']).toContain(o.crossed);
  });

  it('participant-rounds: one value a cell, the lists in round_lists, the payoffs of the record', () => {
    const rows = get('participant_rounds');
    const recorded = roundRows(events);
    expect(rows).toHaveLength(recorded.length);
    expect(Object.keys(rows[0] ?? {})).not.toContain('schedule');
    for (const r of rows) for (const v of Object.values(r)) expect(v).not.toMatch(/\d[/>]\d/);
    rows.forEach((r, i) => {
      const want = recorded[i];
      expect([r.round, r.seat, r.role, r.holder, r.policy, Number(r.payoff)]).toEqual([String(want?.round), want?.seat, want?.role, 'bot', 'zi-c', want?.payoff]);
    });
    const lists = get('round_lists');
    for (const want of recorded) {
      const schedule = lists.filter((l) => l.round === String(want.round) && l.seat === want.seat && l.field === 'schedule').map((l) => l.value);
      expect(schedule.join('/')).toBe(want.fields.schedule);
      expect(lists.filter((l) => l.round === String(want.round) && l.seat === want.seat && l.field === 'schedule').map((l) => Number(l.position))).toEqual(schedule.map((_, k) => k + 1));
    }
  });

  it('decisions: one row per action, timed from the opening of its decision', () => {
    const decisions = get('decisions');
    expect(decisions).toHaveLength(events.filter((e) => e.kind === 'action' || e.kind === 'rejection').length);
    for (const d of decisions) {
      expect(Number(d.response_ms)).toBe(Number(d.at_ms) - Number(d.opened_at_ms));
      expect(Number(d.response_ms)).toBeGreaterThanOrEqual(0);
    }
    // A trader's second order in a period is timed from its first.
    const p0 = decisions.filter((d) => d.seat === 'p0' && d.round === '1' && d.result === 'accepted');
    expect(p0[0]?.opened_at_ms).toBe('0');
    expect(p0[1]?.opened_at_ms).toBe(p0[0]?.at_ms);
  });
});

describe('decisions of a sealed-bid auction', () => {
  it('times each bid from the opening of its round', () => {
    const events = playRecord({ mechanism: mechanism('first-price@1'), config: { rounds: 3, roundMs: 1000 }, seats: [{ policy: 'truthful' }, { policy: 'truthful' }, { policy: 'truthful' }], seed: 1, stepMs: 100 });
    const decisions = tablesOf(events).get('decisions');
    expect(decisions).toHaveLength(9);
    // Round r opens when round r-1 closes (its round_record), the first at 0.
    const opens = [0, ...events.filter((e) => e.kind === ROUND_RECORD).map((e) => e.at)];
    for (const d of decisions) {
      expect(Number(d.opened_at_ms)).toBe(opens[Number(d.round) - 1]);
      expect(Number(d.response_ms)).toBeGreaterThan(0);
    }
    expect(decisions.map((d) => d.round)).toEqual(['1', '1', '1', '2', '2', '2', '3', '3', '3']);
  });
});

describe('posted-price and prediction-market trades', () => {
  it('posted price: one row per unit sold, seated buyers with their values', () => {
    const events = playRecord({ mechanism: mechanism('posted-price@1'), config: { rounds: 6 }, seats: [{ policy: 'fixed-price' }, { policy: 'truthful-buyer' }, { policy: 'truthful-buyer' }], seed: 4 });
    const trades = tablesOf(events).get('trades');
    const rows = roundRows(events);
    expect(trades).toHaveLength(rows.filter((r) => r.role === 'seller').reduce((n, r) => n + Number(r.fields.sold), 0));
    for (const r of rows.filter((x) => x.role === 'buyer' && x.fields.got === true)) {
      expect(trades.find((t) => t.buyer === r.seat && t.round === String(r.round))).toMatchObject({ seller: 'p0', price: String(r.fields.price), buyer_value: String(r.fields.value) });
    }
  });

  it('prediction market: one row per trade with the market maker, the trader and the price after', () => {
    const events = playRecord({ mechanism: mechanism('prediction-market@1'), config: { markets: 2, marketMs: 2000 }, seats: [{ policy: 'random' }, { policy: 'random' }], seed: 5 });
    const trades = tablesOf(events).get('trades');
    const recorded = events.filter((e) => e.kind === 'trade');
    expect(trades.map((t) => [Number(t.seq), t.trader])).toEqual(recorded.map((e) => [e.seq, e.seat]));
    for (const t of trades) {
      expect(Number(t.price_after)).toBeGreaterThan(0);
      expect(Number(t.price_after)).toBeLessThan(1);
    }
  });
});

describe('a live session record: holders, chat and wall-clock times', () => {
  // A recorded market with the room's events spliced in as a live session writes them: the
  // clock starts at wall time T0, a person (nickname, label) holds p0 until a bot takes over
  // in period 2, p1 sends a private message, the session pauses and resumes.
  const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
  const played = market();
  const secondPeriod = played.find((e) => e.kind === ROUND_RECORD)?.at as number;
  const live: LedgerEvent[] = [];
  const add = (e: Partial<LedgerEvent> & { kind: string; at: number }) => live.push({ match: played[0]?.match ?? '', seq: live.length, seat: null, audience: 'experimenter', data: {}, prev: '', hash: '', ...e } as LedgerEvent);
  for (const e of played) {
    if (e.kind === 'match_started') {
      live.push({ ...e, seq: 0, data: { ...e.data, population: [{ seat: 'p0', kind: 'open' }, ...((e.data.population as unknown[]).slice(1) as object[])] } });
      add({ kind: 'seat_joined', at: 0, seat: 'p0', data: { holder: 'human' } });
      add({ kind: 'participant', at: 0, seat: 'p0', data: { nickname: 'Ada', label: 'S-1', fields: {} } });
      add({ kind: 'session_started', at: 0, data: { wall: T0 } });
      continue;
    }
    if (e.seq === 40) {
      add({ kind: 'chat', at: e.at, seat: 'p1', audience: ['p1', 'p2'], data: { channel: 'private', from: 'p1', to: 'p2', text: 'meet at 100, "ok"?', round: 1 } });
      add({ kind: 'admin', at: e.at, data: { op: 'pause', by: 'api', wall: T0 + e.at } });
      add({ kind: 'admin', at: e.at, data: { op: 'resume', by: 'api', wall: T0 + e.at + 60_000 } });
    }
    if (e.at > secondPeriod + 1000 && !live.some((x) => x.kind === 'seat_replaced')) add({ kind: 'seat_replaced', at: e.at, seat: 'p0', data: { from: 'human', to: 'zi-c' } });
    live.push({ ...e, seq: live.length });
  }
  const { get } = tablesOf(live);

  it('seat_holders: the person and the bot that took over, each with the rounds and earnings it held', () => {
    const p0 = get('seat_holders').filter((h) => h.seat === 'p0');
    expect(p0.map((h) => [h.stint, h.holder, h.policy, h.nickname, h.label, h.first_round, h.last_round])).toEqual([
      ['0', 'human', '', 'Ada', 'S-1', '1', '1'],
      ['1', 'bot', 'zi-c', '', '', '2', '3'],
    ]);
    const rounds = get('participant_rounds').filter((r) => r.seat === 'p0');
    // The bot took over during period 2: that period is paid to it, as the seat's holder when it closed.
    expect(rounds.map((r) => [r.holder, r.stint, r.nickname])).toEqual([
      ['human', '0', 'Ada'],
      ['bot', '1', ''],
      ['bot', '1', ''],
    ]);
    const paid = (stint: string) => rounds.filter((r) => r.stint === stint).reduce((s, r) => s + Number(r.payoff), 0);
    expect(p0.map((h) => Number(h.earnings))).toEqual([paid('0'), paid('1')]);
    expect(p0[1]?.from_wall_time).toBe(new Date(T0 + Number(p0[1]?.from_at_ms) + 60_000).toISOString());
  });

  it('chat: the message with its channel, sender, audience and text', () => {
    expect(get('chat')).toEqual([expect.objectContaining({ channel: 'private', sender: 'p1', to: 'p2', audience: 'seats', recipients: '2', text: 'meet at 100, "ok"?', round: '1' })]);
  });

  it('wall_time: the start plus match time, shifted by the pause', () => {
    const paused = live.find((e) => e.kind === 'admin')?.at as number;
    for (const t of get('trades')) {
      const at = Number(t.at_ms);
      expect(t.wall_time).toBe(new Date(T0 + at + (at > paused || Number(t.seq) > 42 ? 60_000 : 0)).toISOString());
    }
  });
});

describe('the dictionary of every mechanism', () => {
  it('lists every column of every table written, with a unit and a meaning, and no list in any participant-round cell', () => {
    for (const m of MECHANISMS) {
      const config = m.configSchema.parse({});
      const n = m.seats(config).min;
      const events = playRecord({ mechanism: m, config: {}, seats: Array.from({ length: n }, () => ({ policy: 'random' })), seed: 2 });
      const tables = recordTables(() => events, { keys: sessionKeys('s1') });
      const dictionary = [...dictionaryCsv(tables)].slice(1).map((l) => l.split(',').slice(0, 3));
      const listed = dictionary.filter((d) => d[1] !== '').map((d) => `${d[0]}:${d[1]}`);
      const written = tables.flatMap((t) => ([...tableCsv(t)][0] as string).trim().split(',').map((c) => `${t.name}.csv:${c}`));
      expect(listed, m.id).toEqual(written);
      for (const t of tables) {
        expect(new Set(t.columns.map((c) => c.name)).size, `${m.id} ${t.name}`).toBe(t.columns.length);
        for (const c of t.columns) expect(c.unit && c.definition, `${m.id} ${t.name}.${c.name}`).toBeTruthy();
      }
      const rounds = csvRows(tables.find((t) => t.name === 'participant_rounds') as Table);
      expect(rounds.length, m.id).toBe(roundRows(events).length);
      for (const r of rounds) for (const [k, v] of Object.entries(r)) expect(v, `${m.id} ${k}`).not.toMatch(/^[^,]+[/>][^,]+$/);
    }
  });
});

describe('tables of a headless results folder', () => {
  const study = {
    name: 'tables-test',
    mechanism: 'double-auction',
    config: { buyers: [[150, 120], [140, 110]], sellers: [[30, 60], [40, 70]], periods: 2, periodMs: 20_000 },
    seats: [{ policy: 'zi-c', count: 4 }],
    episodes: 3,
    seed: 11,
    treatments: [{ name: 'one' }, { name: 'two', config: { maxOpenOrdersPerTrader: 2 } }],
  };
  const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  it('writes the tables and their dictionary beside events.jsonl, hashed in the manifest, the same bytes every run', () => {
    const a = join(tempDir('tables'), 'a');
    const b = join(tempDir('tables'), 'b');
    runStudy(resolveStudy(study), { out: a, events: true, exports: false });
    runStudy(resolveStudy(study), { out: b, events: true, exports: false });
    const files = readdirSync(join(a, 'tables')).sort();
    expect(files).toEqual(['chat.csv', 'decisions.csv', 'dictionary.csv', 'llm_calls.csv', 'orders.csv', 'participant_rounds.csv', 'round_lists.csv', 'seat_holders.csv', 'trades.csv']);
    const manifest = JSON.parse(readFileSync(join(a, 'manifest.json'), 'utf8')) as { files: Record<string, string> };
    for (const f of files) {
      expect(manifest.files[`tables/${f}`]).toBe(sha(join(a, 'tables', f)));
      expect(sha(join(b, 'tables', f))).toBe(sha(join(a, 'tables', f)));
    }
    // Rows name their treatment and episode, as episodes.csv does; the record's trades are all there.
    const trades = readFileSync(join(a, 'tables', 'trades.csv'), 'utf8').trim().split('\n');
    expect(trades[0]).toMatch(/^treatment,episode,seq,at_ms,wall_time,period,price,buyer,seller/);
    const events = readFileSync(join(a, 'events.jsonl'), 'utf8').trim().split('\n');
    expect(trades.length - 1).toBe(events.filter((l) => l.includes('"kind":"trade"')).length);
    expect(new Set(trades.slice(1).map((l) => l.split(',').slice(0, 2).join(',')))).toEqual(new Set(['one,0', 'one,1', 'one,2', 'two,0', 'two,1', 'two,2'].filter((k) => trades.some((l) => l.startsWith(`${k},`)))));
    const rounds = readFileSync(join(a, 'tables', 'participant_rounds.csv'), 'utf8').trim().split('\n');
    expect(rounds).toHaveLength(1 + 2 * 3 * 2 * 4);
  });

  it('writes none without the record, and leaves the other files as they were', () => {
    const withTables = join(tempDir('tables'), 'with');
    const without = join(tempDir('tables'), 'without');
    runStudy(resolveStudy(study), { out: withTables, events: true, exports: false });
    runStudy(resolveStudy(study), { out: without, exports: false });
    expect(existsSync(join(without, 'tables'))).toBe(false);
    for (const f of ['episodes.csv', 'rounds.csv']) expect(sha(join(withTables, f))).toBe(sha(join(without, f)));
  });
});
