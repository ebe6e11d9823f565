/**
 * One conformance suite over every registered mechanism (STYLE habit 8), under each
 * mechanism's cases (its cases.ts) and many seeds, in the manner of OpenSpiel's basic
 * tests and PettingZoo's api and seed tests:
 * - the contract is declared: traits, rules, measures, benchmarks, progress, one round;
 * - random legal play terminates, legal() never over-promises (no engine rejection of
 *   what it offered), is empty once the match is over, payoffs stay in bounds and equal
 *   the sum of each seat's rewards, measure keys are the declared ones every episode;
 * - same seed and log give the same hash and record; replay equals live; states
 *   round-trip through JSON; the lean path and the checked path give the same record;
 * - non-interference, per field and with a positive control: another seat's private
 *   draw never changes my view, my legal actions, the public view or the events I am
 *   told, except in the fields the rules reveal; my own draw does change what I see;
 * - invalid, stale, out-of-range and out-of-turn actions are rejected with a code and
 *   change nothing; unknown config keys are refused with the nearest valid name.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MECHANISMS, casesOf, findMechanism } from './registry.ts';
import { REJECT_CODES, type AnyMechanism, type Audience, type MechEvent, type SeatId } from './core/types.ts';
import { openMatch, type Match, type MatchEntry } from './core/match.ts';
import { Rng } from './core/random.ts';
import { sampleLegal } from './core/legal.ts';
import { playRandom } from './core/playthrough.ts';
import { replay } from './core/replay.ts';
import { canonicalJson } from './core/hash.ts';
import { rowsOf } from './core/rows.ts';
import type { GoldenCase } from './core/golden.ts';
import { objectSchemasIn } from './core/schema-walk.ts';

const RUNS = Number(process.env.CONFORMANCE_RUNS ?? 12);

const caseLists = new Map<string, readonly GoldenCase[]>();
for (const m of MECHANISMS) caseLists.set(m.id, (await casesOf(m)).golden);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function open(m: AnyMechanism, c: GoldenCase, seed: number, record?: (e: MatchEntry) => void, seatOverrides?: Record<number, number>): Match {
  return openMatch(m, { config: c.config, seats: c.seats, seed, ...(seatOverrides ? { seatOverrides } : {}) }, record);
}

/** Random legal play that freezes every state, so any mutation of an input throws; returns the engine's rejections. */
function play(match: Match, rngSeed: number, passRate = 0.2): number {
  deepFreeze(match.state);
  return playRandom(match, new Rng(rngSeed), { passRate, onStep: () => deepFreeze(match.state) }).rejections;
}

/** A typo of a key: two letters swapped in the middle ('periods' -> 'peroids'), or a letter added to a short key. */
function misspell(key: string): string {
  if (key.length < 4) return `${key}x`;
  const i = Math.floor(key.length / 2);
  const swapped = key.slice(0, i) + key.charAt(i + 1) + key.charAt(i) + key.slice(i + 2);
  return swapped === key ? `${key}x` : swapped;
}

const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The paths of every plain object inside a parsed config (the config itself first), with their keys. */
function objectsInValue(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; keys: string[] }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => objectsInValue(v, [...path, i]));
  if (!isPlainObject(value)) return [];
  return [{ path, keys: Object.keys(value) }, ...Object.entries(value).flatMap(([k, v]) => objectsInValue(v, [...path, k]))];
}

/** A copy of `value` with `key: 1` added to the object at `path`. */
function withKey(value: unknown, path: readonly (string | number)[], key: string): unknown {
  if (path.length === 0) return { ...(value as Record<string, unknown>), [key]: 1 };
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? withKey(v, rest, key) : v));
  const obj = value as Record<string, unknown>;
  return { ...obj, [head]: withKey(obj[head], rest, key) };
}

/** The action types of a mechanism's action union and each one's other fields: the shapes junk is made of. */
function actionShapes(m: AnyMechanism): { type: string; fields: string[] }[] {
  const shapes: { type: string; fields: string[] }[] = [];
  for (const { schema, keys } of objectSchemasIn(m.actionSchema, 'action')) {
    const typeDef = (schema as unknown as { def: { shape: Record<string, { def: { type: string; values?: unknown[] } }> } }).def.shape.type?.def;
    if (typeDef?.type !== 'literal') continue;
    for (const value of typeDef.values ?? []) if (typeof value === 'string') shapes.push({ type: value, fields: keys.filter((k) => k !== 'type') });
  }
  return shapes;
}

/** A copy without the top-level fields the rules may reveal (views, and the data of events). */
const without = (value: unknown, fields: readonly string[]): unknown => {
  if (!fields.length || !isPlainObject(value)) return value;
  const copy = { ...value };
  for (const f of fields) delete copy[f];
  return copy;
};

const toldTo = (audience: Audience, seat: SeatId): boolean => audience === 'public' || (audience !== 'experimenter' && audience.includes(seat));

const seedArb = fc.integer({ min: 0, max: 0x7fffffff });

for (const m of MECHANISMS) {
  const mechCases = caseLists.get(m.id) ?? [];

  describe(`${m.id}@${m.version} conformance`, () => {
    it('has cases to run the suite under', () => {
      expect(mechCases.length).toBeGreaterThanOrEqual(2);
    });

    it('declares traits, rules, measures, benchmarks, seats, progress and one round for every case', () => {
      expect(['simultaneous', 'sequential', 'continuous']).toContain(m.traits.timing);
      expect(['general', 'constant-sum']).toContain(m.traits.utility);
      expect(typeof m.traits.chance).toBe('boolean');
      const names = m.measures.map((s) => s.name);
      expect(new Set(names).size).toBe(names.length);
      for (const spec of m.measures) {
        expect(spec.name).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(spec.unit.length).toBeGreaterThan(0);
        expect(spec.definition.length).toBeGreaterThan(10);
      }
      expect(findMechanism(m.id)).toBeDefined();
      for (const c of mechCases) {
        const config = m.configSchema.parse(c.config);
        expect(m.rules(config).length).toBeGreaterThan(50);
        const plan = m.seats(config);
        expect(c.seats).toBeGreaterThanOrEqual(plan.min);
        expect(c.seats).toBeLessThanOrEqual(plan.max);
        expect(plan.roles(c.seats)).toHaveLength(c.seats);
        for (const [name, b] of Object.entries(m.benchmarks(config, c.seats))) {
          expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
          expect(b.value === null || Number.isFinite(b.value), name).toBe(true);
          expect(['public', 'experimenter']).toContain(b.audience);
          expect(b.definition.length).toBeGreaterThan(10);
        }
        const match = open(m, c, 1);
        const progress = match.progress();
        expect(progress.round).toBeGreaterThanOrEqual(1);
        if (progress.rounds !== null) expect(progress.round).toBeLessThanOrEqual(progress.rounds);
        expect(progress.phase).not.toBe('over');
      }
    });

    it('plays one round of any case with its one-round config (the payoff tool relies on it)', () => {
      for (const c of mechCases) {
        const one = m.oneRound(m.configSchema.parse(c.config));
        const entries: MatchEntry[] = [];
        const match = openMatch(m, { config: one, seats: c.seats, seed: 3 }, (e) => entries.push(e));
        expect(match.progress().rounds).toBe(1);
        playRandom(match, new Rng(3));
        expect(match.over).toBe(true);
        expect(new Set(rowsOf(entries).map((r) => r.round))).toEqual(new Set([1]));
      }
    });

    it('refuses an unknown key in its config, at the top and in every nested object, naming the nearest valid key', () => {
      // Every object schema the config can reach, whatever configs the cases use.
      const objects = objectSchemasIn(m.configSchema);
      expect(objects.length).toBeGreaterThan(1);
      for (const { where, schema, keys } of objects) {
        const key = [...keys].sort((a, b) => b.length - a.length)[0] as string;
        const result = schema.safeParse({ [misspell(key)]: 1 });
        const issue = result.error?.issues.find((i) => i.code === 'unrecognized_keys');
        expect(issue, `${where} accepts an unknown key`).toBeDefined();
        expect(issue?.path, where).toEqual([]);
        expect(issue?.message, where).toContain(`did you mean \`${key}\`?`);
      }
      // In context: a misspelt key beside valid ones, in each object of each case's config, is refused at its path.
      const configs = [{}, ...mechCases.map((c) => c.config)].map((c) => m.configSchema.parse(c) as unknown);
      for (const config of configs) {
        for (const { path, keys } of objectsInValue(config)) {
          const key = [...keys].sort((a, b) => b.length - a.length)[0] as string;
          const bad = withKey(config, path, misspell(key));
          const result = m.configSchema.safeParse(bad);
          expect(result.success, `config.${path.join('.')} accepts ${misspell(key)}`).toBe(false);
          const issue = result.error?.issues.find((i) => i.code === 'unrecognized_keys');
          expect(issue?.path).toEqual(path);
          expect(issue?.message).toBe(`unknown key \`${misspell(key)}\`; did you mean \`${key}\`?`);
        }
      }
    });

    it("changing a seat's own private draws changes what it sees in some case (the non-interference check can tell)", () => {
      if (m.traits.private.length === 0) return;
      let bites = false;
      for (const c of mechCases) {
        for (let seed = 1; seed <= 5 && !bites; seed++) {
          const a = open(m, c, seed);
          const b = open(m, c, seed, undefined, { 0: seed + 9999 });
          bites = canonicalJson(a.view('p0')) !== canonicalJson(b.view('p0'));
        }
      }
      expect(bites, 'no case has a private draw the seat itself can see').toBe(true);
    });

    for (const c of mechCases) {
      describe(c.name, () => {
        it('random legal play terminates, legal() never over-promises, payoffs are in bounds and the sum of rewards, measures are the declared ones', () => {
          fc.assert(
            fc.property(seedArb, seedArb, (seed, playSeed) => {
              const entries: MatchEntry[] = [];
              const match = open(m, c, seed, (e) => entries.push(e));
              expect(play(match, playSeed)).toBe(0);
              for (const seat of match.header.seats) expect(match.legal(seat)).toEqual([]);
              expect(match.progress().phase).toBe('over');
              const bounds = m.payoffBounds(match.header.config, match.header.seats.length);
              const outcome = match.outcome();
              match.header.seats.forEach((seat, i) => {
                const p = outcome.payoffs[seat] as number;
                expect(Number.isFinite(p)).toBe(true);
                expect(p).toBeGreaterThanOrEqual(bounds.min - 1e-9);
                expect(p).toBeLessThanOrEqual(bounds.max + 1e-9);
                expect(match.rewards.totals[i]).toBeCloseTo(p, 6);
              });
              expect(outcome.welfare).toBeLessThanOrEqual(outcome.maxWelfare + 1e-6);
              expect(Object.keys(outcome.measures).sort()).toEqual(m.measures.map((s) => s.name).sort());
              const rows = rowsOf(entries);
              expect(rows.length).toBeGreaterThan(0);
              for (const seat of match.header.seats) {
                const own = rows.filter((r) => r.seat === seat).reduce((sum, r) => sum + r.payoff, 0);
                expect(own).toBeCloseTo(outcome.payoffs[seat] as number, 6);
              }
            }),
            { numRuns: RUNS },
          );
        });

        it('same seed and same play give the same hash and the same record; the lean path records the same', () => {
          fc.assert(
            fc.property(seedArb, seedArb, (seed, playSeed) => {
              const a: MatchEntry[] = [];
              const b: MatchEntry[] = [];
              const ma = open(m, c, seed, (e) => a.push(e));
              const mb = open(m, c, seed, (e) => b.push(e));
              play(ma, playSeed);
              play(mb, playSeed);
              expect(ma.hash()).toBe(mb.hash());
              expect(canonicalJson(a)).toBe(canonicalJson(b));
              // The same actions again, through submitTrusted: the same record, the same hash.
              const lean: MatchEntry[] = [];
              const ml = open(m, c, seed, (e) => lean.push(e));
              for (const e of a) {
                if (e.kind === 'tick') ml.tick(e.at);
                else if (e.kind === 'action') ml.submitTrusted(e.seat as SeatId, e.data.action as { type: string }, e.at);
                else if (e.kind === 'rejection' && e.seat) ml.submit(e.seat, e.data.stateId as number, e.data.action, e.at);
              }
              expect(ml.hash()).toBe(ma.hash());
              expect(canonicalJson(lean)).toBe(canonicalJson(a));
            }),
            { numRuns: RUNS },
          );
        });

        it('replaying the record reproduces the live final hash', () => {
          fc.assert(
            fc.property(seedArb, seedArb, (seed, playSeed) => {
              const entries: MatchEntry[] = [];
              const match = open(m, c, seed, (e) => entries.push(e));
              play(match, playSeed);
              const result = replay(findMechanism, JSON.parse(JSON.stringify(entries)) as MatchEntry[]);
              expect(result.problem).toBeNull();
              expect(result.hash).toBe(match.hash());
              expect(result.recordedHash).toBe(match.hash());
            }),
            { numRuns: RUNS },
          );
        });

        it('states round-trip through JSON and play on identically', () => {
          fc.assert(
            fc.property(seedArb, seedArb, seedArb, fc.integer({ min: 0, max: 60 }), (seed, playSeed, restSeed, cut) => {
              const live = open(m, c, seed);
              const rng = new Rng(playSeed);
              live.tick(0);
              // Play `cut` actions, checking that every state survives JSON unchanged.
              for (let k = 0; k < cut && !live.over; k++) {
                const seat = rng.pick(live.header.seats);
                const action = sampleLegal(live.legal(seat), rng);
                if (action) live.submit(seat, live.state.stateId, action, live.now);
                else if (live.state.deadline !== null) live.tick(live.state.deadline);
                expect(canonicalJson(JSON.parse(JSON.stringify(live.state)))).toBe(canonicalJson(live.state));
              }
              const copy = new (live.constructor as typeof Match)(m, live.header, undefined, { state: JSON.parse(JSON.stringify(live.state)), now: live.now });
              expect(copy.hash()).toBe(live.hash());
              playRandom(live, new Rng(restSeed), { passRate: 0.2 });
              playRandom(copy, new Rng(restSeed), { passRate: 0.2 });
              expect(copy.hash()).toBe(live.hash());
            }),
            { numRuns: RUNS },
          );
        });

        it("another seat's private draw never changes my view, legal actions, the public view or the events I am told, but for fields the rules reveal", () => {
          fc.assert(
            fc.property(seedArb, seedArb, seedArb, fc.nat(), fc.nat(), (seed, otherSeed, playSeed, iRaw, jRaw) => {
              const i = iRaw % c.seats;
              const j = (i + 1 + (jRaw % (c.seats - 1))) % c.seats;
              const me = `p${i}` as SeatId;
              const a = open(m, c, seed);
              const b = open(m, c, seed, undefined, { [j]: otherSeed });
              const mine = (events: readonly MechEvent[]) => events.filter((e) => toldTo(e.audience, me));
              const same = (ea: readonly MechEvent[] = [], eb: readonly MechEvent[] = []) => {
                const open_ = m.revealedFields?.(a.state) ?? [];
                expect(canonicalJson(without(b.view(me), open_))).toBe(canonicalJson(without(a.view(me), open_)));
                expect(canonicalJson(b.legal(me))).toBe(canonicalJson(a.legal(me)));
                expect(canonicalJson(without(b.publicView(), open_))).toBe(canonicalJson(without(a.publicView(), open_)));
                const told = (events: readonly MechEvent[]) => mine(events).map((e) => ({ kind: e.kind, data: without(e.data, open_) }));
                expect(canonicalJson(told(eb))).toBe(canonicalJson(told(ea)));
              };
              const rng = new Rng(playSeed);
              same(a.tick(0), b.tick(0));
              let steps = 0;
              while (!a.over && steps++ < 2000) {
                let acted = false;
                for (const seat of rng.shuffle(a.header.seats)) {
                  if (a.over) break;
                  const action = sampleLegal(a.legal(seat), rng);
                  if (!action) continue;
                  const at = a.now + 1000;
                  const ra = a.submit(seat, a.state.stateId, action, at);
                  const rb = b.submit(seat, b.state.stateId, action, at);
                  acted = true;
                  // The other seat's own action may be legal under one draw and not the other:
                  // from there the two histories differ, and so may everything else.
                  if (ra.ok !== rb.ok) return;
                  same(ra.ok ? ra.events : [], rb.ok ? rb.events : []);
                }
                if (!acted && a.state.deadline !== null) {
                  const deadline = a.state.deadline;
                  same(a.tick(deadline), b.tick(deadline));
                }
              }
            }),
            { numRuns: RUNS * 2 },
          );
        });

        it('invalid, out-of-range and out-of-turn actions are rejected with a code and change nothing', () => {
          const shapes = actionShapes(m);
          expect(shapes.length).toBeGreaterThan(0);
          const junk = fc.oneof(
            fc.anything(),
            fc.record({ type: fc.string(), amount: fc.anything() }),
            // The mechanism's own action types with junk in every field.
            fc.constantFrom(...shapes).chain((shape) => fc.record({ type: fc.constant(shape.type), ...Object.fromEntries(shape.fields.map((f) => [f, fc.oneof(fc.double(), fc.string(), fc.anything())])) })),
          );
          fc.assert(
            fc.property(seedArb, seedArb, fc.array(junk, { minLength: 1, maxLength: 8 }), fc.integer({ min: -3, max: 3 }), (seed, playSeed, actions, staleBy) => {
              const match = open(m, c, seed);
              const rng = new Rng(playSeed);
              match.tick(0);
              // Play a little so that the junk lands mid-match.
              for (let k = 0; k < 3 && !match.over; k++) {
                for (const seat of match.header.seats) {
                  const action = sampleLegal(match.legal(seat), rng);
                  if (action && !match.over) match.submit(seat, match.state.stateId, action, match.now + 10);
                }
              }
              if (match.over) return;
              const tryReject = (seat: SeatId, stateId: number, action: unknown) => {
                const before = canonicalJson(match.state);
                const id = match.state.stateId;
                const r = match.submit(seat, stateId, action, match.now);
                if (r.ok) return true;
                expect(REJECT_CODES).toContain(r.code);
                expect(typeof r.message).toBe('string');
                expect(match.state.stateId).toBe(id);
                expect(canonicalJson(match.state)).toBe(before);
                return false;
              };
              const seats = match.header.seats;
              for (const action of actions) {
                // Junk either fails validation or happens to be a legal action; both are fine,
                // but a rejection must change nothing (checked in tryReject).
                tryReject(rng.pick(seats), match.state.stateId, action);
                if (match.over) return;
              }
              // Unknown seats, stale or future stateIds, and seats with nothing to do.
              const seat = rng.pick(seats);
              const legal = match.legal(seat);
              const valid = sampleLegal(legal, rng);
              expect(tryReject('p999' as SeatId, match.state.stateId, valid ?? { type: 'x' })).toBe(false);
              if (valid) {
                const wrongId = staleBy >= 0 ? match.state.phaseId - 1 - staleBy : match.state.stateId - staleBy;
                expect(tryReject(seat, wrongId, valid)).toBe(false);
                expect(tryReject(seat, 1.5, valid)).toBe(false);
                // Every numeric parameter pushed past its bound is out of range.
                const open_ = legal.find((a) => a.type === valid.type);
                for (const [name, spec] of Object.entries(open_?.params ?? {})) {
                  if (spec.kind !== 'number' && spec.kind !== 'integer') continue;
                  expect(tryReject(seat, match.state.stateId, { ...valid, [name]: spec.max + Math.max(1, Math.abs(spec.max)) })).toBe(false);
                  expect(tryReject(seat, match.state.stateId, { ...valid, [name]: spec.min - Math.max(1, Math.abs(spec.min)) })).toBe(false);
                  expect(tryReject(seat, match.state.stateId, { ...valid, [name]: Number.NaN })).toBe(false);
                }
              }
              for (const other of seats) {
                if (match.legal(other).length === 0) {
                  const any = sampleLegal(m.legal(m.setup(match.header.config, seats, { seed }), other), rng);
                  if (any) expect(tryReject(other, match.state.stateId, any)).toBe(false);
                }
              }
            }),
            { numRuns: RUNS * 2 },
          );
        });
      });
    }
  });
}
