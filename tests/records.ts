/**
 * Records for tests: one match played by named policies (the registry's, or a test's own
 * through a lookup) and recorded the way a headless run records it: its header names the
 * population, its events are hash-chained. A policy may speak: `services.say(text)` writes a
 * public chat event, as a live room would.
 */
import { Chain, type LedgerEvent } from '../mechanisms/core/ledger.ts';
import { Match, parseConfig, seatIds, type MatchHeader } from '../mechanisms/core/match.ts';
import { mechanismKey, type AnyMechanism, type SeatId } from '../mechanisms/core/types.ts';
import { HarnessRngs, playHeadless } from '../bots/harness.ts';
import type { AnyPolicy, PolicyFactory } from '../bots/policy.ts';
import { findPolicy } from '../bots/registry.ts';

export type Lookup = (name: string) => PolicyFactory<unknown, AnyPolicy> | undefined;

/** What a test policy gets as `context.services`. */
export interface TestServices {
  say(seat: SeatId, text: string, at: number): void;
}

export interface RecordSpec {
  readonly mechanism: AnyMechanism;
  readonly config: unknown;
  readonly seats: readonly { readonly policy: string; readonly params?: Readonly<Record<string, unknown>>; readonly holder?: 'human' }[];
  readonly seed: number;
  readonly id?: string;
  readonly stepMs?: number;
  readonly lookup?: Lookup;
}

export function playRecord(spec: RecordSpec): LedgerEvent[] {
  const lookup = spec.lookup ?? findPolicy;
  const seats = seatIds(spec.seats.length);
  const config = parseConfig(spec.mechanism, spec.config, seats.length);
  const factories = spec.seats.map((s) => {
    const f = lookup(s.policy);
    if (!f) throw new Error(`no policy ${s.policy}`);
    return f;
  });
  const params = spec.seats.map((s, i) => (factories[i] as PolicyFactory<unknown, AnyPolicy>).paramsSchema.parse(s.params ?? {}) as Record<string, unknown>);
  const population = spec.seats.map((s, i) =>
    s.holder === 'human' ? { seat: seats[i] as SeatId, kind: 'human' as const } : { seat: seats[i] as SeatId, kind: 'policy' as const, policy: s.policy, version: factories[i]?.version ?? 1, params: params[i] as Record<string, unknown> },
  );
  const header: MatchHeader = { mechanism: mechanismKey(spec.mechanism), config, seats, seed: spec.seed, population };
  const chain = new Chain(spec.id ?? 'test/records/0');
  const events: LedgerEvent[] = [];
  const match = new Match(spec.mechanism, header, (entry) => events.push(chain.append(entry)));
  const services: TestServices = {
    say: (seat, text, at) => void events.push(chain.append({ kind: 'chat', at, seat, audience: 'public', data: { channel: 'public', from: seat, text } })),
  };
  const policies = factories.map((f, i) => f.create(params[i], { mechanism: spec.mechanism, config, seat: seats[i] as SeatId, seats: seats.length, services }));
  for (const p of policies) p.startEpisode?.({ index: 0, seed: spec.seed });
  playHeadless(match, policies, new HarnessRngs(spec.seed), { stepMs: spec.stepMs ?? 100, trusted: factories.map((f) => f.trusted === true) });
  return events;
}
