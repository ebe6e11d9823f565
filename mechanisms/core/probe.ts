/**
 * What `arena probe` tries on a mechanism (a mechanism's optional `probe.ts` beside its
 * index.ts; a study's `probe` block adds to it): the deviation classes to search for seats of
 * each role, and the config changes a designer could make, which the probe re-runs on the same
 * seeds to verify whether they lower a finding's gain.
 */

/** A deviation class searched for seats of a role (the exploit search's deviation file, studies/deviations.ts). */
export interface ProbeDeviation {
  /** A short name for reports: `shading`, `free-riding`. */
  readonly name: string;
  /** Seats of this role are searched (one per seat group); every seat group's when left out. */
  readonly role?: string;
  /** The deviation class, as a deviation file holds it (policy, params with grids or ranges, search). */
  readonly deviation: Readonly<Record<string, unknown>>;
}

/** A config change a designer could make, and why it might help. */
export interface Mitigation {
  readonly name: string;
  /** Merged over the treatment's config (objects key by key). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly why: string;
}

/** How a sealed-bid auction settles a round: what ex-post regret (studies/regret.ts) recomputes for other bids. */
export interface SealedBidSettlement {
  /** The winner pays its own bid (first) or the highest other counted bid, at least the reserve (second). */
  readonly price: 'first' | 'second';
  /** Bids below it do not count. */
  readonly reserve: number;
  readonly tieBreak: 'random' | 'lowestSeat';
  /** The highest bid accepted, when the config caps it. */
  readonly maxBid?: number | null;
}

export interface MechanismProbe {
  readonly deviations: readonly ProbeDeviation[];
  readonly mitigations: readonly Mitigation[];
  /** A sealed-bid auction: how a config of it (as recorded) settles its rounds. */
  readonly sealedBid?: (config: unknown) => SealedBidSettlement;
}

export const NO_PROBE: MechanismProbe = { deviations: [], mitigations: [] };
