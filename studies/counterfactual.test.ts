import { describe, expect, it } from 'vitest';
import { Chain, type LedgerEvent } from '../mechanisms/core/ledger.ts';
import { ROUND_RECORD, type ParticipantRound, type RoundRecordData } from '../mechanisms/core/types.ts';
import { findMechanism } from '../mechanisms/registry.ts';
import { resolveStudy } from './spec.ts';
import { runStudy } from './runner.ts';
import { counterfactual, RecordProblem, verifyRecord } from './counterfactual.ts';
import { playRecord } from '../tests/records.ts';

/** Every episode's events of a headless run, by match id. */
function runRecords(study: Record<string, unknown>): Map<string, LedgerEvent[]> {
  const matches = new Map<string, LedgerEvent[]>();
  runStudy(resolveStudy(study), {
    ledger: {
      append: (e) => void (matches.get(e.match) ?? matches.set(e.match, []).get(e.match))?.push(e),
      transaction: (fn) => fn(),
    },
  });
  return matches;
}

const content = (e: LedgerEvent) => ({ at: e.at, kind: e.kind, seat: e.seat, audience: e.audience, data: e.data });
const rowsOf = (events: readonly LedgerEvent[]): ParticipantRound[] => events.filter((e) => e.kind === ROUND_RECORD).flatMap((e) => (e.data as unknown as RoundRecordData).rows);

const market = {
  name: 'cf-market',
  mechanism: 'double-auction',
  config: {
    buyers: [[200, 160, 120], [190, 150, 110], [180, 140, 100], [170, 130, 90]],
    sellers: [[40, 80, 125], [50, 90, 130], [60, 100, 135], [70, 105, 140]],
    periods: 2,
    periodMs: 20_000,
    maxPrice: 250,
  },
  seats: [{ policy: 'zi-c', count: 8 }],
  episodes: 2,
  seed: 7,
  clock: { stepMs: 250 },
};

const auction = { name: 'cf-auction', mechanism: 'first-price', config: { rounds: 6 }, seats: [{ policy: 'equilibrium', count: 4 }], episodes: 1, seed: 3 };

describe('counterfactual', () => {
  const records = runRecords(market);
  const episode = records.get('cf-market/baseline/1') as LedgerEvent[];

  it('without a swap reproduces the record exactly, from event 0 and from the middle (random traders: every random stream continues)', () => {
    expect(episode.length).toBeGreaterThan(500);
    const v = verifyRecord(episode);
    for (const at of [0, Math.floor(episode.length / 2)]) {
      const r = counterfactual(episode, { at, verified: v });
      expect(r.fork.mode).toBe('re-driven');
      expect(r.fork.stepMs).toBe(250);
      expect(r.counterfactual.hash).toBe(v.hash);
      expect(r.events?.map(content)).toEqual(episode.map(content));
      expect(r.difference.payoffs).toEqual(Object.fromEntries(Object.keys(r.original.payoffs).map((s) => [s, 0])));
      // The counterfactual record is a record: it verifies on its own.
      expect(verifyRecord(r.events ?? []).hash).toBe(v.hash);
    }
  });

  it('with a swap, the swapped seat acts by its new policy from the fork on and the others by theirs', () => {
    const record = runRecords(auction).get('cf-auction/baseline/0') as LedgerEvent[];
    const secondRound = record.filter((e) => e.kind === ROUND_RECORD)[1] as LedgerEvent;
    const r = counterfactual(record, { at: secondRound.seq, swaps: [{ seat: 'p1', policy: 'truthful' }] });
    expect(r.fork.mode).toBe('re-driven');
    const events = r.events ?? [];
    // The prefix is the record's, then the swap is written down, then play goes on.
    expect(events.slice(0, r.fork.from).map(content)).toEqual(record.slice(0, r.fork.from).map(content));
    expect(events[r.fork.from]).toMatchObject({ kind: 'seat_replaced', seat: 'p1', data: { from: 'equilibrium', to: 'truthful', counterfactual: true, fork: secondRound.seq } });
    const before = rowsOf(record);
    const after = rowsOf(events);
    expect(after).toHaveLength(6 * 4);
    for (const row of after) {
      const value = row.fields.value as number;
      const bid = row.fields.bid as number;
      const original = before.find((b) => b.round === row.round && b.seat === row.seat) as ParticipantRound;
      // The same values (the mechanism's seeds), and the same bids but for p1 after round 2.
      expect(original.fields.value).toBe(value);
      if (row.seat === 'p1' && row.round > 2) expect(bid).toBe(value);
      else expect(bid).toBeCloseTo((value * 3) / 4, 9);
    }
    expect(r.seats.map((s) => [s.seat, s.counterfactual, s.swapped])).toEqual([
      ['p0', 'equilibrium', false],
      ['p1', 'truthful', true],
      ['p2', 'equilibrium', false],
      ['p3', 'equilibrium', false],
    ]);
    // Both sides from the fork on: four rounds each; the difference is the counterfactual's minus the original's.
    expect(r.original.since.rounds).toBe(4);
    expect(r.counterfactual.since.rounds).toBe(4);
    const gain = (r.counterfactual.since.payoffs.p1 ?? 0) - (r.original.since.payoffs.p1 ?? 0);
    expect(r.difference.since.payoffs.p1).toBeCloseTo(gain, 9);
    expect(r.counterfactual.since.payoffs.p1).toBe(0); // a truthful winner pays its value
    expect(r.difference.since.metrics.revenue).toBeCloseTo((r.counterfactual.since.metrics.revenue ?? 0) - (r.original.since.metrics.revenue ?? 0), 9);
    expect(verifyRecord(events).hash).toBe(r.counterfactual.hash);
  });

  it('resumes from the folded state when a seat was a human, and asks for a policy for it', () => {
    const firstPrice = findMechanism('first-price');
    if (!firstPrice) throw new Error('first-price is not registered');
    const record = playRecord({ mechanism: firstPrice, config: { rounds: 4 }, seats: [{ policy: 'equilibrium', holder: 'human' }, { policy: 'equilibrium' }, { policy: 'equilibrium' }], seed: 11 });
    const fork = (record.filter((e) => e.kind === ROUND_RECORD)[0] as LedgerEvent).seq;
    expect(() => counterfactual(record, { at: fork })).toThrow(/no policy of this code holds p0 \(a human held it\): give each a policy with --swap/);
    const r = counterfactual(record, { at: fork, swaps: [{ seat: 'p0', policy: 'shader', params: { fraction: 0.5 } }] });
    expect(r.fork.mode).toBe('resumed');
    const rows = rowsOf(r.events ?? []).filter((row) => row.round > 1);
    expect(rows).toHaveLength(3 * 3);
    for (const row of rows) expect(row.fields.bid).toBeCloseTo((row.fields.value as number) * (row.seat === 'p0' ? 0.5 : 2 / 3), 9);
    expect(verifyRecord(r.events ?? []).hash).toBe(r.counterfactual.hash);
  });

  describe('refuses, naming the problem', () => {
    const record = runRecords(auction).get('cf-auction/baseline/0') as LedgerEvent[];
    const refusal = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        expect(error).toBeInstanceOf(RecordProblem);
        return (error as Error).message;
      }
      throw new Error('not refused');
    };

    it('a seat that does not exist', () => {
      expect(refusal(() => counterfactual(record, { at: 3, swaps: [{ seat: 'p9', policy: 'truthful' }] }))).toMatch(/--swap p9: no such seat; the record's seats are p0, p1, p2, p3/);
    });
    it('a policy that does not play the mechanism, an unknown one, bad params', () => {
      expect(refusal(() => counterfactual(record, { at: 3, swaps: [{ seat: 'p1', policy: 'zi-c' }] }))).toMatch(/policy 'zi-c' does not play first-price@1/);
      expect(refusal(() => counterfactual(record, { at: 3, swaps: [{ seat: 'p1', policy: 'nope' }] }))).toMatch(/unknown policy 'nope'/);
      expect(refusal(() => counterfactual(record, { at: 3, swaps: [{ seat: 'p1', policy: 'shader', params: { fraction: 'x' } }] }))).toMatch(/params of 'shader': fraction/);
    });
    it('an event beyond the record', () => {
      expect(refusal(() => counterfactual(record, { at: record.length }))).toMatch(new RegExp(`--at ${record.length} is beyond the record: it has ${record.length} events`));
    });
    it('a record that does not verify: an edited bid, a cut record', () => {
      const i = record.findIndex((e) => e.kind === 'action');
      const edited = record.map((e, k) => (k === i ? { ...e, data: { ...e.data, action: { type: 'bid', amount: 1 } } } : e));
      expect(refusal(() => counterfactual(edited, { at: 0 }))).toMatch(new RegExp(`hash chain broken at event ${i}: its hash does not match its content`));
      // Re-chained after the edit, the chain holds but replay does not reproduce the final hash.
      const chain = new Chain(record[0]?.match as string);
      const rechained = edited.map((e) => chain.append(e));
      expect(refusal(() => counterfactual(rechained, { at: 0 }))).toMatch(/replay does not reproduce the record: .*final hash/);
      expect(refusal(() => counterfactual(record.slice(0, 10), { at: 0 }))).toMatch(/did not finish/);
    });
  });
});
