/**
 * The replay page's reader of records: the state after every event, rebuilt from its
 * checkpoints, is the state replay reaches over the same prefix; a broken record says why;
 * a grown record is read again; a record too long is refused; summaries stay on one line.
 */
import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import { replay } from '../mechanisms/core/replay.ts';
import { hashOf } from '../mechanisms/core/hash.ts';
import { findMechanism } from '../mechanisms/registry.ts';
import doubleAuction from '../mechanisms/double-auction/index.ts';
import firstPrice from '../mechanisms/first-price/index.ts';
import { playRecord } from '../tests/records.ts';
import { RecordReplays, ReplayRefusal, summarize } from './record-replay.ts';

/** A ledger of records in memory, counting how often each is read. */
function memoryLedger(records: Record<string, LedgerEvent[]>) {
  const reads = new Map<string, number>();
  return {
    reads,
    count: (match: string) => records[match]?.length ?? 0,
    *stream(match: string) {
      reads.set(match, (reads.get(match) ?? 0) + 1);
      yield* records[match] ?? [];
    },
  };
}

const refusal = (fn: () => unknown): ReplayRefusal => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ReplayRefusal) return error;
    throw error;
  }
  throw new Error('not refused');
};

const market = playRecord({
  mechanism: doubleAuction,
  config: { periods: 2, periodMs: 4000, buyers: [[150, 120], [140, 100]], sellers: [[40, 70], [60, 90]] },
  seats: [{ policy: 'zi-c' }, { policy: 'zi-c' }, { policy: 'zi-c' }, { policy: 'zi-c' }],
  seed: 5,
  id: 'market/zi-c/0',
  stepMs: 250,
});
const auction = playRecord({ mechanism: firstPrice, config: { rounds: 3 }, seats: [{ policy: 'equilibrium' }, { policy: 'truthful' }, { policy: 'random' }], seed: 9, id: 'auction/mixed/1' });

describe('the state after an event', () => {
  it('is what replay reaches over the record up to that event, from any checkpoint', () => {
    expect(market.length).toBeGreaterThan(60);
    const replays = new RecordReplays(memoryLedger({ [market[0]?.match as string]: market }), { limits: { checkpointEvery: 7 } });
    const id = 'market/zi-c/0';
    for (let seq = 0; seq < market.length; seq++) {
      const folded = replay(findMechanism, market.slice(0, seq + 1)).match;
      const state = replays.stateAt(id, seq, 'p1');
      expect(state.stateId, `event ${seq}`).toBe(folded.state.stateId);
      expect(state.publicView, `event ${seq}`).toEqual(folded.publicView());
      expect(state.progress).toEqual(folded.progress());
      expect(state.seat?.view).toEqual(folded.view('p1'));
      expect(state.seat?.legal).toEqual(folded.legal('p1'));
      expect(state.kind).toBe(market[seq]?.kind);
    }
    const end = replays.stateAt(id, market.length - 1);
    expect(end.over).toBe(true);
    expect(end.seat).toBeNull();
    expect(hashOf(replay(findMechanism, market).match.state)).toBe(market.at(-1)?.data.hash);
  });

  it('names the bad event number and the unknown seat', () => {
    const replays = new RecordReplays(memoryLedger({ 'auction/mixed/1': auction }));
    expect(refusal(() => replays.stateAt('auction/mixed/1', auction.length, 'p0'))).toMatchObject({ status: 400, message: `at: there is no event ${auction.length}; this record has events 0 to ${auction.length - 1}` });
    expect(refusal(() => replays.stateAt('auction/mixed/1', -1)).status).toBe(400);
    expect(refusal(() => replays.stateAt('auction/mixed/1', 2, 'p7'))).toMatchObject({ status: 400, message: "seat: no seat 'p7' in this match (its seats are p0, p1, p2)" });
    expect(refusal(() => replays.stateAt('nope/0', 0))).toMatchObject({ status: 404 });
  });
});

describe('a record', () => {
  it('lists every event with a short summary and verifies', () => {
    const replays = new RecordReplays(memoryLedger({ 'auction/mixed/1': auction }));
    const record = replays.record('auction/mixed/1');
    expect(record).toMatchObject({ match: 'auction/mixed/1', mechanismTitle: firstPrice.title, verified: true, problem: null, finalHash: auction.at(-1)?.data.hash });
    expect(record.replayedHash).toBe(record.finalHash);
    expect(record.header).toMatchObject({ mechanism: 'first-price@1', seats: ['p0', 'p1', 'p2'], seed: 9 });
    expect(record.header?.population?.map((p) => p.policy)).toEqual(['equilibrium', 'truthful', 'random']);
    expect(record.events.map((e) => e.seq)).toEqual(auction.map((e) => e.seq));
    for (const e of record.events) expect(e.summary.length).toBeLessThanOrEqual(100);
    const bid = record.events.find((e) => e.kind === 'action');
    expect(bid?.summary).toMatch(/^bid amount \d/);
  });

  it('that was edited does not verify, and says where', () => {
    const edited = auction.map((e) => (e.kind === 'action' && e.seat === 'p1' ? { ...e, data: { ...e.data, action: { type: 'bid', amount: 0 } } } : e));
    const record = new RecordReplays(memoryLedger({ 'auction/mixed/1': edited })).record('auction/mixed/1');
    expect(record.verified).toBe(false);
    expect(record.problem).toMatch(/hash chain broken at event \d+/);
  });

  it('is read once while it stays the same, again when it has grown', () => {
    const records = { 'auction/mixed/1': auction.slice(0, 10) };
    const ledger = memoryLedger(records);
    const replays = new RecordReplays(ledger);
    expect(replays.record('auction/mixed/1').verified).toBe(false);
    expect(replays.record('auction/mixed/1').problem).toMatch(/did not finish/);
    for (let seq = 0; seq < 10; seq++) replays.stateAt('auction/mixed/1', seq);
    expect(ledger.reads.get('auction/mixed/1')).toBe(1);
    records['auction/mixed/1'] = auction;
    // An event the cached record has is answered from it; a later one reads the record again.
    replays.stateAt('auction/mixed/1', 9);
    expect(ledger.reads.get('auction/mixed/1')).toBe(1);
    expect(replays.stateAt('auction/mixed/1', auction.length - 1).over).toBe(true);
    expect(ledger.reads.get('auction/mixed/1')).toBe(2);
    expect(replays.record('auction/mixed/1').verified).toBe(true);
  });

  it('longer than the limit is refused before it is read', () => {
    const ledger = memoryLedger({ 'market/zi-c/0': market });
    const replays = new RecordReplays(ledger, { limits: { maxEvents: 50 } });
    expect(refusal(() => replays.record('market/zi-c/0'))).toMatchObject({ status: 413, message: expect.stringMatching(/has \d+ events; the replay page opens records of at most 50/) });
    expect(ledger.reads.size).toBe(0);
  });

  it('keeps only the last few records read', () => {
    const ledger = memoryLedger({ a: auction.map((e) => ({ ...e, match: 'a' })), b: auction.map((e) => ({ ...e, match: 'b' })) });
    const replays = new RecordReplays(ledger, { limits: { cached: 1 } });
    replays.record('a');
    replays.record('b');
    replays.record('a');
    expect([ledger.reads.get('a'), ledger.reads.get('b')]).toEqual([2, 1]);
  });
});

describe('summaries', () => {
  it('say an event in one short line', () => {
    expect(summarize({ kind: 'action', data: { stateId: 3, action: { type: 'placeOrder', side: 'bid', price: 96 }, next: 4 } })).toBe('placeOrder side bid, price 96');
    expect(summarize({ kind: 'rejection', data: { code: 'OUT_OF_RANGE', type: 'bid', bytes: 20 } })).toBe('refused bid (OUT_OF_RANGE)');
    expect(summarize({ kind: 'trade', data: { period: 1, price: 136, initiator: 'ask' } })).toBe('period 1, price 136, initiator ask');
    expect(summarize({ kind: 'bid_placed', data: { round: 1, amount: 19.333333333333332, range: [0.5, 2 / 3] } })).toBe('round 1, amount 19.333, range [0.5, 0.667]');
    expect(summarize({ kind: 'round_record', data: { round: 2, rows: [{}, {}, {}, {}, {}] } })).toBe('round 2, rows [5]');
    expect(summarize({ kind: 'chat', data: { text: 'x'.repeat(300) } }).length).toBeLessThanOrEqual(100);
    expect(summarize({ kind: 'match_ended', data: { hash: 'ab'.repeat(32), outcome: {} } })).toBe('final hash abababababab…');
  });
});
