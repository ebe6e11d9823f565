/**
 * Sybil identities: one principal who plays through k seats instead of one (DESIGN §7: a
 * principal may hold several seats). The principal's own seat stays where it is; k − 1
 * identities are added after the last seat, with the principal's role. Every identity draws
 * the principal's private draws (its seat's random stream), so in the sealed-bid auctions
 * they all hold the principal's one value: a principal with single-unit demand bidding
 * through several names, whose payoff is the sum over its identities (at most one of them
 * wins an item, worth the principal's value). The rest of the population sees k − 1 more
 * bidders, as it would.
 *
 * The sybil gain is the principal's summed payoff with its identities minus its payoff as one
 * identity, on the same seeds (studies/exploit.ts searches what the added identities play).
 */
import { deriveSeed, type SeedSet } from '../mechanisms/core/random.ts';
import type { AnyMechanism, SeatId } from '../mechanisms/core/types.ts';
import type { SeatAssignment, Treatment } from './spec.ts';

export interface SybilPopulation {
  /** The mechanism with the identities' draws tied to the principal's (otherwise the same object's functions). */
  readonly mechanism: AnyMechanism;
  /** The treatment's seats with the identities appended. */
  readonly seats: readonly SeatAssignment[];
  /** The principal's seat and its added identities: the seats whose payoffs the principal sums. */
  readonly principal: readonly SeatId[];
  readonly identities: readonly SeatId[];
}

/**
 * The mechanism as it is, but for the private streams: seat index `i` of `shared` draws what
 * seat index `shared[i]` draws (the seed SeedSet gives that seat, see seatRng in
 * mechanisms/core/random.ts).
 */
export function sharingDraws(mechanism: AnyMechanism, shared: Readonly<Record<number, number>>): AnyMechanism {
  const streamOf = (seeds: SeedSet, i: number) => seeds.seatOverrides?.[i] ?? deriveSeed(seeds.seed, i + 1);
  return {
    ...mechanism,
    setup: (config, seats, seeds) => {
      const overrides: Record<number, number> = { ...seeds.seatOverrides };
      for (const [i, from] of Object.entries(shared)) overrides[Number(i)] = streamOf(seeds, from);
      return mechanism.setup(config, seats, { ...seeds, seatOverrides: overrides });
    },
  } as AnyMechanism;
}

/** Problems with splitting a seat into identities here (too many seats, another role), or null. */
export function sybilProblem(mechanism: AnyMechanism, treatment: Treatment, principal: SeatId, identities: number): string | null {
  const n = treatment.seats.length;
  const total = n + identities - 1;
  const plan = mechanism.seats(treatment.config);
  if (total > plan.max) return `${mechanism.id} takes at most ${plan.max} seats under this config; ${n} seats and ${identities - 1} more identities make ${total}`;
  const roles = plan.roles(total);
  const seat = treatment.seats.find((s) => s.seat === principal);
  if (!seat) return `no seat ${principal}`;
  for (let i = 0; i < n; i++) if (roles[i] !== treatment.seats[i]?.role) return `with ${total} seats, seat p${i} would be a ${roles[i]} instead of a ${treatment.seats[i]?.role}`;
  for (let i = n; i < total; i++) if (roles[i] !== seat.role) return `with ${total} seats, identity p${i} would be a ${roles[i]}, not a ${seat.role} like ${principal}`;
  return null;
}

/**
 * The population in which `principal` plays through `identities` seats: its own seat plays
 * `main`, the added ones `added` (policy assignments made by the caller, seat and role filled in here).
 */
export function sybilPopulation(mechanism: AnyMechanism, treatment: Treatment, principal: SeatId, identities: number, main: Omit<SeatAssignment, 'seat' | 'role'>, added: Omit<SeatAssignment, 'seat' | 'role'>): SybilPopulation {
  const problem = sybilProblem(mechanism, treatment, principal, identities);
  if (problem) throw new Error(problem);
  const n = treatment.seats.length;
  const index = treatment.seats.findIndex((s) => s.seat === principal);
  const role = (treatment.seats[index] as SeatAssignment).role;
  const ids = Array.from({ length: identities - 1 }, (_, j) => `p${n + j}` as SeatId);
  const seats = treatment.seats.map((s) => (s.seat === principal ? { seat: s.seat, role, ...main } : s));
  for (const id of ids) seats.push({ seat: id, role, ...added });
  const shared: Record<number, number> = {};
  ids.forEach((_, j) => (shared[n + j] = index));
  return { mechanism: sharingDraws(mechanism, shared), seats, principal: [principal, ...ids], identities: ids };
}
