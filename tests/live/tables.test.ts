/**
 * A session's tidy tables over HTTP against a real server: a double-auction market with one
 * person (a nickname and a label), three bots, a chat message and an order of the person's,
 * played to its end. The zip holds every table and the dictionary, each the same bytes as
 * its own route; every column of every table is in the dictionary; no cell holds a list;
 * the trades match the record's trade events; the person's order, chat line, holder stint
 * and response time are there with wall-clock times inside the session; the routes want
 * the experimenter's token and refuse unknown tables and query parameters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@colyseus/sdk';
import { unzipSync, strFromU8 } from 'fflate';
import { viewsOf, ADMIN_TOKEN, createSession, startTestServer, waitFor, type ArenaClientRoom, type JoinInfo, type TestServer } from './helpers.ts';
import { follow } from './process-helpers.ts';

let t: TestServer;
let info: JoinInfo;
let started: number;
let finished: number;

/** A CSV file as rows of named cells (the tables quote only cells with commas, quotes or newlines). */
function parseCsv(text: string): Record<string, string>[] {
  const lines: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      lines.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  const [header, ...rest] = lines;
  return rest.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
}

const headerOf = (text: string): string[] => (text.split('\n')[0] ?? '').split(',');

beforeAll(async () => {
  t = await startTestServer();
  info = await createSession(t, {
    title: 'Tables check',
    mechanism: 'double-auction',
    config: { buyers: [[150, 120], [140, 110]], sellers: [[30, 60], [40, 70]], periods: 2, periodMs: 600, maxPrice: 200, communication: { channels: ['public'] } },
    seats: [{ kind: 'human', role: 'buyer' }, { kind: 'bot', policy: 'zi-c', count: 3 }],
    autoStart: false,
  });
  const join = await t.api('POST', '/api/join', { code: info.seats[0]?.code });
  const { roomId, token } = join.body as { roomId: string; token: string };
  const room = (await new Client(t.url).joinById(roomId, { token, participant: { nickname: 'Ada', label: 'S-1024' } })) as unknown as ArenaClientRoom;
  t.rooms.push(follow(room) as never);
  await waitFor(() => viewsOf(room).version('p0') > 0, 3000, "p0's view");
  started = Date.now();
  expect((await t.api('POST', `/api/sessions/${info.session}/control`, { op: 'start' }, true)).status).toBe(200);
  room.send('chat', { channel: 'public', text: 'hello, market' });
  await waitFor(() => room.state.status === 'running', 3000, 'running');
  // One bid of the person's, below every ask so that it rests in the book.
  await room.request('act', { stateId: room.state.stateId, action: { type: 'placeOrder', side: 'bid', price: 5 } });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await t.api('GET', `/api/sessions/${info.session}`, undefined, true);
    if ((res.body as { status: string }).status === 'ended') break;
    if (Date.now() > deadline) throw new Error('the session did not end');
    await new Promise((r) => setTimeout(r, 100));
  }
  finished = Date.now();
});

afterAll(async () => {
  await t?.close();
});

describe('the tidy tables of a live session', () => {
  it('lists the tables and sends each one, and the zip holds the same bytes and the dictionary', async () => {
    const list = await t.api('GET', `/api/sessions/${info.session}/tables`, undefined, true);
    expect(list.status).toBe(200);
    const files = (list.body as { files: { name: string; link: string }[] }).files;
    expect(files.map((f) => f.name)).toEqual(['participant_rounds.csv', 'round_lists.csv', 'seat_holders.csv', 'decisions.csv', 'chat.csv', 'llm_calls.csv', 'trades.csv', 'orders.csv', 'dictionary.csv']);

    const res = await fetch(`${t.url}/api/sessions/${info.session}/tables.zip`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/zip/);
    const zipped = unzipSync(new Uint8Array(await res.arrayBuffer()));
    const folder = `${info.session}-tables`;
    expect(Object.keys(zipped).sort()).toEqual(files.map((f) => `${folder}/${f.name}`).sort());
    for (const f of files) {
      const one = await t.api('GET', f.link, undefined, true);
      expect(one.status).toBe(200);
      expect(one.headers.get('content-type')).toMatch(/text\/csv/);
      expect(strFromU8(zipped[`${folder}/${f.name}`] as Uint8Array)).toBe(one.text);
    }

    // Every column of every table written is in the dictionary, with a unit and a meaning, and nothing else is.
    const dictionary = parseCsv(strFromU8(zipped[`${folder}/dictionary.csv`] as Uint8Array));
    const listed = dictionary.filter((d) => d.column !== '').map((d) => `${d.file}:${d.column}`);
    const written = files.filter((f) => f.name !== 'dictionary.csv').flatMap((f) => headerOf(strFromU8(zipped[`${folder}/${f.name}`] as Uint8Array)).map((c) => `${f.name}:${c}`));
    expect(listed).toEqual(written);
    for (const d of dictionary) {
      expect(d.unit).not.toBe('');
      expect((d.definition ?? '').length).toBeGreaterThan(5);
    }
  });

  it('holds one value a cell, the trades of the record, and the person with their words', async () => {
    const read = async (name: string) => parseCsv((await t.api('GET', `/api/sessions/${info.session}/tables/${name}`, undefined, true)).text);
    const rounds = await read('participant_rounds.csv');
    expect(rounds).toHaveLength(8);
    for (const r of rounds) for (const v of Object.values(r)) expect(v).not.toMatch(/^\d+(\.\d+)?([/>]\d+(\.\d+)?)+$/);
    const mine = rounds.filter((r) => r.seat === 'p0');
    expect(mine.map((r) => [r.round, r.holder, r.nickname, r.label])).toEqual([
      ['1', 'human', 'Ada', 'S-1024'],
      ['2', 'human', 'Ada', 'S-1024'],
    ]);
    expect(rounds.filter((r) => r.seat !== 'p0').every((r) => r.holder === 'bot' && r.policy === 'zi-c')).toBe(true);

    const lists = await read('round_lists.csv');
    expect(lists.filter((l) => l.seat === 'p0' && l.round === '1' && l.field === 'schedule').map((l) => l.value)).toEqual(['150', '120']);

    // The trades are the record's trade events, each with both parties and both orders.
    const record = (await t.api('GET', `/api/sessions/${info.session}/export.jsonl`, undefined, true)).text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; kind: string; data: Record<string, unknown> });
    const trades = await read('trades.csv');
    expect(trades.map((x) => Number(x.seq))).toEqual(record.filter((e) => e.kind === 'trade').map((e) => e.seq));
    expect(trades.length).toBeGreaterThan(0);
    const orders = await read('orders.csv');
    for (const x of trades) {
      expect(x.buyer).toMatch(/^p[01]$/);
      expect(x.seller).toMatch(/^p[23]$/);
      expect(orders.find((o) => o.order_id === x.buy_order && o.event === 'filled')?.seat).toBe(x.buyer);
      expect(orders.find((o) => o.order_id === x.sell_order && o.event === 'filled')?.seat).toBe(x.seller);
      expect(Number(x.buyer_value) - Number(x.price)).toBeCloseTo(Number(x.buyer_profit), 6);
    }
    const bid = orders.find((o) => o.seat === 'p0' && o.event === 'placed');
    expect(bid).toMatchObject({ side: 'bid', price: '5', crossed: '0', period: '1' });

    // Wall-clock times lie within the session, in the order of the match clock.
    const walls = trades.map((x) => Date.parse(x.wall_time as string));
    for (const w of walls) {
      expect(w).toBeGreaterThanOrEqual(started - 1000);
      expect(w).toBeLessThanOrEqual(finished + 1000);
    }
    expect([...walls].sort((a, b) => a - b)).toEqual(walls);

    const decisions = await read('decisions.csv');
    const placed = decisions.find((d) => d.seat === 'p0' && d.action === 'placeOrder');
    expect(placed?.result).toBe('accepted');
    expect(Number(placed?.response_ms)).toBe(Number(placed?.at_ms) - Number(placed?.opened_at_ms));
    expect(Number(placed?.response_ms)).toBeGreaterThanOrEqual(0);
    // The room's own measure of the same wait, when it recorded one, is a time too.
    if (placed?.shown_response_ms) expect(Number(placed.shown_response_ms)).toBeGreaterThanOrEqual(0);

    const chat = await read('chat.csv');
    expect(chat).toEqual([expect.objectContaining({ channel: 'public', sender: 'p0', audience: 'public', text: 'hello, market' })]);

    const holders = await read('seat_holders.csv');
    const p0 = holders.filter((h) => h.seat === 'p0');
    expect(p0).toEqual([expect.objectContaining({ holder: 'human', nickname: 'Ada', label: 'S-1024', rounds: '2' })]);
    expect(Number(p0[0]?.earnings)).toBeCloseTo(mine.reduce((s, r) => s + Number(r.payoff), 0), 6);
    // The person took the seat in the lobby, before the clock started: no wall-clock reading dates it yet.
    expect(p0[0]?.from_wall_time).toBe('');
  });

  it('wants the experimenter token and refuses unknown tables and query parameters', async () => {
    expect((await t.api('GET', `/api/sessions/${info.session}/tables`)).status).toBe(401);
    expect((await t.api('GET', `/api/sessions/${info.session}/tables.zip`)).status).toBe(401);
    expect((await t.api('GET', `/api/sessions/${info.session}/tables/trades.csv`)).status).toBe(401);
    expect((await t.api('GET', `/api/sessions/${info.session}/tables/nothing.csv`, undefined, true)).status).toBe(404);
    expect((await t.api('GET', `/api/sessions/${info.session}/tables/..%2Fsecret.csv`, undefined, true)).status).toBe(404);
    expect((await t.api('GET', `/api/sessions/${info.session}/tables.zip?all=1`, undefined, true)).status).toBe(400);
    expect((await t.api('GET', '/api/sessions/snosuchsession/tables', undefined, true)).status).toBe(404);
  });
});
