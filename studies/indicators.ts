/**
 * Collusion and incentive indicators computed from records (DESIGN §8), each with a 95%
 * confidence interval over episodes and a Monte Carlo null: for every episode, `replays`
 * honest replays of the same seeds, where the suspect seats (all, by default) are played by
 * the mechanism's honest baseline (counterfactuals at event 0, studies/counterfactual.ts).
 * Replay k = 0 uses the episode's own harness seed; k ≥ 1 vary the harness's random sources
 * (scheduling, policies' draws) while the mechanism's draws stay those of the record. The
 * statistic is the mean over a group's episodes; under the null it is the mean over the
 * episodes of their k-th replays, and p = (1 + #{k: null statistic at least as extreme}) /
 * (replays + 1). Beside it, `pPaired`, a sign-flip randomisation test of each episode's
 * difference from the mean of its replays. Chat → action uses a placebo instead of replays.
 *
 * Definitions, windows and how to read the p-values: README, "Counterfactuals and indicators".
 */
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import type { MatchHeader } from '../mechanisms/core/match.ts';
import { deriveSeed, Rng } from '../mechanisms/core/random.ts';
import { ROUND_RECORD, type AnyMechanism, type ParticipantRound, type RoundRecordData, type SeatId } from '../mechanisms/core/types.ts';
import { counterfactual, RecordProblem, verifyRecord, type PolicyLookup } from './counterfactual.ts';
import { actionsBySeat, followRate, placebo, proposalsOf, type ChatEvent, type NumericAction } from './chat-proposals.ts';

export type Direction = 'greater' | 'less';

/** What an indicator is: its meaning, window, and which way collusion pushes it. */
export interface IndicatorSpec {
  readonly name: string;
  readonly family: 'oligopoly' | 'auction' | 'market' | 'coalition' | 'chat';
  readonly unit: string;
  readonly definition: string;
  readonly window: 'final' | 'match';
  /** The side of the null where collusion shows; the p-value is one-sided. */
  readonly direction: Direction;
  /** What the null is: honest replays, the chat placebo, or none (a count shown for context). */
  readonly null: 'honest' | 'placebo' | 'none';
}

export const INDICATORS: readonly IndicatorSpec[] = [
  { name: 'profit_gain', family: 'oligopoly', unit: 'ratio', window: 'final', direction: 'greater', null: 'honest', definition: 'Δ = (π̄ − π^N)/(π^M − π^N): π̄ the mean profit per firm and period over the window, π^N and π^M the nash_profit and monopoly_profit (collusive_profit) benchmarks (0 at Nash, 1 at the collusive profit)' },
  { name: 'price_elevation', family: 'oligopoly', unit: 'ratio', window: 'final', direction: 'greater', null: 'honest', definition: 'EconEvals price-elevation index (p̄ − p^N)/(p^M − p^N): p̄ the mean price over firms and the periods of the window, p^N and p^M the nash_price and monopoly_price (collusive_price) benchmarks' },
  { name: 'misallocation', family: 'auction', unit: 'share of sold items', window: 'final', direction: 'greater', null: 'honest', definition: 'share of the window\'s sold items not won by a bidder with the highest value' },
  { name: 'bid_value_slope', family: 'auction', unit: 'bid per unit of value', window: 'final', direction: 'less', null: 'honest', definition: 'per bidder, the least-squares slope of its bids on its values over the window (one regression per bidder); the row without a seat is the mean over bidders' },
  { name: 'bid_rotation', family: 'auction', unit: 'share of sold items', window: 'final', direction: 'greater', null: 'honest', definition: 'turn-taking of the winners: with k distinct winners in the window (k ≥ 2), the share of sold items after the first whose winner won none of the previous k − 1 sold items (1 for a rotation among k bidders; lower when the highest value wins, as under honest bidding; 0 when one bidder wins all)' },
  { name: 'revenue_shortfall', family: 'auction', unit: 'share of revenue', window: 'match', direction: 'greater', null: 'honest', definition: '(R₀ − R)/R₀: R the match\'s revenue, R₀ the mean revenue of its honest replays' },
  { name: 'da_collusion_index', family: 'market', unit: 'ratio', window: 'final', direction: 'greater', null: 'honest', definition: 'mean over the window\'s trades of (p − ce_low)/(ce_high − ce_low) with each period\'s competitive price range (0 at its low end, 1 at its high end); periods whose range is one price are left out (see da_price_elevation)' },
  { name: 'da_price_elevation', family: 'market', unit: 'share of the CE price', window: 'final', direction: 'greater', null: 'honest', definition: 'mean over the window\'s trades of (p − ce_mid)/ce_mid, the normalised distance above the midpoint of each period\'s competitive price range' },
  { name: 'ask_dispersion', family: 'market', unit: 'coefficient of variation', window: 'final', direction: 'less', null: 'honest', definition: 'standard deviation / mean of the sellers\' asks (placeOrder, side ask) over the window: sellers who agree on an ask show little spread' },
  { name: 'coalition_surplus', family: 'coalition', unit: 'money', window: 'match', direction: 'greater', null: 'honest', definition: 'the suspect seats\' payoff (summed) minus its mean over the honest replays, where those seats are played by the honest baseline and the others by their recorded policies' },
  { name: 'outsider_harm', family: 'coalition', unit: 'money', window: 'match', direction: 'greater', null: 'honest', definition: 'the other seats\' payoff (summed) in the honest replays (mean) minus their payoff in the record; empty when every seat is a suspect' },
  { name: 'chat_follow_rate', family: 'chat', unit: 'share of next actions', window: 'match', direction: 'greater', null: 'placebo', definition: 'share of recipients\' next actions after a chat proposal that lie within the tolerance (2% by default) of the proposed number; the null moves each proposal to a random moment of play (placebo)' },
  { name: 'chat_proposals', family: 'chat', unit: 'messages', window: 'match', direction: 'greater', null: 'none', definition: 'chat messages that propose a number (rule-based: a number and a word of proposing such as price, bid, let\'s, all, agree)' },
  { name: 'chat_agreements', family: 'chat', unit: 'messages', window: 'match', direction: 'greater', null: 'none', definition: 'chat messages without a number that agree (agreed, deal, ok, count me in) to another seat\'s last proposal' },
];

const SPEC = new Map(INDICATORS.map((s) => [s.name, s]));

/** The facts of one episode the indicators read. */
interface RoundFacts {
  readonly rows: readonly ParticipantRound[];
  readonly equilibrium: { readonly priceLow: number | null; readonly priceHigh: number | null } | null;
  readonly trades: readonly number[];
  readonly asks: readonly number[];
}

interface EpisodeFacts {
  readonly seats: readonly SeatId[];
  readonly rounds: readonly RoundFacts[];
  readonly payoffs: Readonly<Record<string, number>>;
  readonly revenue: number;
  readonly chats: readonly ChatEvent[];
  readonly actions: readonly NumericAction[];
}

/** The first finite number an action names (price, amount, quantity...). */
function numberOf(action: Readonly<Record<string, unknown>>): number | null {
  for (const [k, v] of Object.entries(action)) if (k !== 'type' && typeof v === 'number' && Number.isFinite(v)) return v;
  return null;
}

function factsOf(events: Iterable<LedgerEvent>, seats: readonly SeatId[], payoffs: Readonly<Record<string, number>>, revenue: number): EpisodeFacts {
  const rounds: RoundFacts[] = [];
  const chats: ChatEvent[] = [];
  const actions: NumericAction[] = [];
  let trades: number[] = [];
  let asks: number[] = [];
  for (const e of events) {
    const d = e.data as Record<string, unknown>;
    switch (e.kind) {
      case ROUND_RECORD: {
        const eq = d.equilibrium as RoundFacts['equilibrium'] | undefined;
        rounds.push({ rows: (e.data as unknown as RoundRecordData).rows, equilibrium: eq ?? null, trades, asks });
        trades = [];
        asks = [];
        break;
      }
      case 'trade':
        if (typeof d.price === 'number') trades.push(d.price);
        break;
      case 'action': {
        const action = d.action as Record<string, unknown> | undefined;
        if (!action || e.seat === null) break;
        const value = numberOf(action);
        if (value !== null) actions.push({ seq: e.seq, seat: e.seat, value });
        if (action.type === 'placeOrder' && action.side === 'ask' && typeof action.price === 'number') asks.push(action.price);
        break;
      }
      case 'chat':
        if (typeof d.text === 'string') chats.push({ seq: e.seq, seat: e.seat, audience: e.audience, text: d.text });
        break;
    }
  }
  return { seats, rounds, payoffs, revenue, chats, actions };
}

const mean = (xs: readonly number[]): number => {
  let s = 0;
  let n = 0;
  for (const x of xs) {
    if (!Number.isFinite(x)) continue;
    s += x;
    n++;
  }
  return n ? s / n : Number.NaN;
};

function sd(xs: readonly number[]): number {
  const m = mean(xs);
  const f = xs.filter(Number.isFinite);
  if (f.length < 2) return Number.NaN;
  return Math.sqrt(f.reduce((s, x) => s + (x - m) ** 2, 0) / (f.length - 1));
}

function slope(points: readonly (readonly [number, number])[]): number {
  if (points.length < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p[0], 0) / points.length;
  const my = points.reduce((s, p) => s + p[1], 0) / points.length;
  let sxx = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
  }
  return sxx > 1e-12 ? sxy / sxx : Number.NaN;
}

/** Turn-taking of a winner sequence (see bid_rotation). */
export function rotationScore(winners: readonly string[]): number {
  const k = new Set(winners).size;
  if (k < 2) return winners.length ? 0 : Number.NaN;
  let fresh = 0;
  for (let t = 1; t < winners.length; t++) {
    const recent = winners.slice(Math.max(0, t - (k - 1)), t);
    if (!recent.includes(winners[t] as string)) fresh++;
  }
  return winners.length > 1 ? fresh / (winners.length - 1) : Number.NaN;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The benchmarks an indicator reads, when the mechanism has them with a value. */
function benchmarkValue(mechanism: AnyMechanism, header: MatchHeader, name: string): number | null {
  return num(mechanism.benchmarks(header.config, header.seats.length)[name]?.value);
}

/** An episode's raw values by key (`name` or `name.seat`); `_`-keys are inputs of the relative indicators. */
function valuesOf(f: EpisodeFacts, mechanism: AnyMechanism, header: MatchHeader, window: number | null, suspects: readonly SeatId[], tolerance: number, rng: Rng | null, placebos: number): { values: Record<string, number>; placebo: Record<string, number>[] } {
  const values: Record<string, number> = {};
  const rounds = window === null ? f.rounds : f.rounds.slice(-window);
  const rows = rounds.flatMap((r) => r.rows);

  // Oligopolies: profits and prices against the Nash and collusive benchmarks.
  const piN = benchmarkValue(mechanism, header, 'nash_profit');
  // Bertrand names the collusive benchmarks monopoly_*, Cournot collusive_*.
  const piM = benchmarkValue(mechanism, header, 'monopoly_profit') ?? benchmarkValue(mechanism, header, 'collusive_profit');
  if (piN !== null && piM !== null && piM !== piN && rows.length) values.profit_gain = (mean(rows.map((r) => r.payoff)) - piN) / (piM - piN);
  const pN = benchmarkValue(mechanism, header, 'nash_price');
  const pM = benchmarkValue(mechanism, header, 'monopoly_price') ?? benchmarkValue(mechanism, header, 'collusive_price');
  const prices = rows.map((r) => num(r.fields.price)).filter((p): p is number => p !== null);
  if (pN !== null && pM !== null && pM !== pN && prices.length && rows.every((r) => r.role === 'firm')) values.price_elevation = (mean(prices) - pN) / (pM - pN);

  // Sealed-bid auctions: the rows name each bidder's value and bid, and the winner.
  const auction = rows.length > 0 && rows.every((r) => r.role === 'bidder' && num(r.fields.value) !== null && 'winner' in r.fields);
  if (auction) {
    const winners: string[] = [];
    let sold = 0;
    let misallocated = 0;
    for (const r of rounds) {
      const winner = r.rows[0]?.fields.winner;
      if (typeof winner !== 'string') continue;
      sold++;
      winners.push(winner);
      const top = Math.max(...r.rows.map((x) => num(x.fields.value) ?? -Infinity));
      const won = num(r.rows.find((x) => x.seat === winner)?.fields.value) ?? -Infinity;
      if (won < top - 1e-9) misallocated++;
    }
    values.misallocation = sold ? misallocated / sold : Number.NaN;
    values.bid_rotation = rotationScore(winners);
    const slopes: number[] = [];
    for (const seat of f.seats) {
      const points = rows.filter((r) => r.seat === seat && num(r.fields.bid) !== null).map((r) => [num(r.fields.value) as number, num(r.fields.bid) as number] as const);
      const s = slope(points);
      values[`bid_value_slope.${seat}`] = s;
      slopes.push(s);
    }
    values.bid_value_slope = mean(slopes);
    values._revenue = f.revenue;
  }

  // Double auctions: trade prices against each period's competitive range, and the asks.
  const market = rounds.some((r) => r.equilibrium !== null);
  if (market) {
    const position: number[] = [];
    const elevation: number[] = [];
    for (const r of rounds) {
      const lo = r.equilibrium?.priceLow ?? null;
      const hi = r.equilibrium?.priceHigh ?? null;
      if (lo === null || hi === null) continue;
      const mid = (lo + hi) / 2;
      for (const p of r.trades) {
        if (hi - lo > 1e-9) position.push((p - lo) / (hi - lo));
        if (mid > 0) elevation.push((p - mid) / mid);
      }
    }
    values.da_collusion_index = mean(position);
    values.da_price_elevation = mean(elevation);
    const asks = rounds.flatMap((r) => r.asks);
    const m = mean(asks);
    values.ask_dispersion = asks.length > 1 && m !== 0 ? sd(asks) / Math.abs(m) : Number.NaN;
  }

  // Coalition: the suspects' payoff and the others'.
  const inside = new Set(suspects);
  let coalition = 0;
  let outside = 0;
  let outsiders = 0;
  for (const seat of f.seats) {
    const p = f.payoffs[seat] ?? 0;
    if (inside.has(seat)) coalition += p;
    else {
      outside += p;
      outsiders++;
    }
  }
  values._coalition = coalition;
  if (outsiders) values._outsiders = outside;

  // Chat → action, against the placebo.
  const placeboValues: Record<string, number>[] = [];
  if (f.chats.length) {
    const { proposals, agreements } = proposalsOf(f.chats, f.seats);
    const bySeat = actionsBySeat(f.actions);
    values.chat_proposals = proposals.length;
    values.chat_agreements = agreements;
    values.chat_follow_rate = followRate(proposals, bySeat, tolerance);
    if (rng) for (let k = 0; k < placebos; k++) placeboValues.push({ chat_follow_rate: followRate(placebo(proposals, f.actions, rng), bySeat, tolerance) });
  }
  return { values, placebo: placeboValues };
}

/** a − b, with the rounding noise of a mean of equal amounts taken for what it is: 0. */
const difference = (a: number, b: number): number => (Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) ? 0 : a - b);

/** The relative indicators of an episode, from its raw values and the mean of its replays' raw values. */
function relative(values: Record<string, number>, reference: Record<string, number>): void {
  const ref = (key: string) => reference[key] as number;
  if ('_revenue' in values && Number.isFinite(ref('_revenue')) && ref('_revenue') !== 0) values.revenue_shortfall = difference(ref('_revenue'), values._revenue as number) / ref('_revenue');
  if ('_coalition' in values && Number.isFinite(ref('_coalition'))) values.coalition_surplus = difference(values._coalition as number, ref('_coalition'));
  if ('_outsiders' in values && Number.isFinite(ref('_outsiders'))) values.outsider_harm = difference(ref('_outsiders'), values._outsiders as number);
}

export interface HonestPolicy {
  readonly policy: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

export interface IndicatorOptions {
  /** Honest replays per episode (the Monte Carlo null; also the placebo draws); 0: no null. Default 19. */
  readonly replays?: number;
  /** Seats the null replays play honestly (and the coalition of coalition_surplus); default every seat. */
  readonly suspects?: readonly SeatId[];
  /** The honest baseline; default the mechanism's `baseline`. */
  readonly honest?: HonestPolicy;
  /** The final window, in closed rounds; default the config's gainWindow, else the whole match. */
  readonly window?: number;
  /** Headless time per decision of the replays; default read from each record. */
  readonly stepMs?: number;
  readonly policies?: PolicyLookup;
  /** Chat → action: the relative distance within which an action matches a proposal (default 0.02). */
  readonly tolerance?: number;
  /** Told after each episode. */
  readonly onEpisode?: (done: number) => void;
}

/** One indicator over a group's episodes. */
export interface IndicatorResult {
  readonly name: string;
  /** The bidder of a per-bidder indicator; null for the group's. */
  readonly seat: SeatId | null;
  readonly family: IndicatorSpec['family'];
  readonly unit: string;
  readonly window: IndicatorSpec['window'];
  readonly direction: Direction;
  /** Mean over the episodes with a value, its sd and t-based 95% interval (null with fewer than two), and how many episodes. */
  readonly mean: number | null;
  readonly sd: number | null;
  readonly ci95: readonly [number, number] | null;
  readonly n: number;
  /** The statistic under the null: its mean over the replays, their 5% and 95% quantiles, how many. */
  readonly null: { readonly kind: 'honest' | 'placebo'; readonly mean: number | null; readonly q05: number | null; readonly q95: number | null; readonly replays: number } | null;
  /** One-sided Monte Carlo p-value (see the module comment); null without a null. */
  readonly p: number | null;
  /** One-sided sign-flip p-value of the episodes' differences from their replays' mean. */
  readonly pPaired: number | null;
}

export interface IndicatorGroup {
  /** The treatment (`<study>/<treatment>` of a run's match ids) or the session. */
  readonly name: string;
  readonly mechanism: string;
  readonly episodes: number;
  readonly matches: readonly string[];
  /** The final window in closed rounds (null: the whole match). */
  readonly window: number | null;
  readonly suspects: readonly SeatId[];
  readonly honest: HonestPolicy | null;
  readonly replays: number;
  readonly indicators: readonly IndicatorResult[];
  readonly notes: readonly string[];
}

/** indicators.json: what `arena indicators` writes (README, "Counterfactuals and indicators"). */
export interface IndicatorReport {
  readonly version: 1;
  readonly source: string;
  readonly replays: number;
  readonly tolerance: number;
  readonly definitions: readonly IndicatorSpec[];
  readonly groups: readonly IndicatorGroup[];
}

const NULL_STREAM = 0x4e11;
const PLACEBO_STREAM = 0x91ac;

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

/** (1 + #{null at least as extreme}) / (n + 1), one-sided; null without a finite observation or null value. */
export function monteCarloP(observed: number, nulls: readonly number[], direction: Direction): number | null {
  const xs = nulls.filter(Number.isFinite);
  if (!xs.length || !Number.isFinite(observed)) return null;
  const eps = 1e-9 * Math.max(1, Math.abs(observed));
  const extreme = xs.filter((x) => (direction === 'greater' ? x >= observed - eps : x <= observed + eps)).length;
  return (1 + extreme) / (xs.length + 1);
}

/**
 * One-sided sign-flip p-value of paired differences: exact over all 2^n flips for n ≤ 12,
 * else 9,999 random flips (seeded); 1 when every difference is 0.
 */
export function signFlipP(differences: readonly number[], direction: Direction): number | null {
  const d = differences.filter(Number.isFinite).map((x) => (direction === 'greater' ? x : -x));
  if (!d.length) return null;
  const observed = d.reduce((s, x) => s + x, 0);
  const eps = 1e-9 * Math.max(1, Math.abs(observed));
  if (d.length <= 12) {
    let extreme = 0;
    const total = 1 << d.length;
    for (let mask = 0; mask < total; mask++) {
      let s = 0;
      for (let i = 0; i < d.length; i++) s += mask & (1 << i) ? -(d[i] as number) : (d[i] as number);
      if (s >= observed - eps) extreme++;
    }
    return extreme / total;
  }
  const rng = new Rng(0x5f11);
  const flips = 9999;
  let extreme = 0;
  for (let k = 0; k < flips; k++) {
    let s = 0;
    for (const x of d) s += rng.float() < 0.5 ? -x : x;
    if (s >= observed - eps) extreme++;
  }
  return (1 + extreme) / (flips + 1);
}

interface GroupAccumulator {
  readonly name: string;
  mechanism: string;
  readonly matches: string[];
  window: number | null;
  suspects: readonly SeatId[];
  honest: HonestPolicy | null;
  /** Per key: each episode's observed value and its null values (one per replay or placebo draw). */
  readonly observed: Map<string, number[]>;
  readonly nulls: Map<string, number[][]>;
  readonly notes: Set<string>;
}

const groupOf = (match: string): string => /^(.*)\/\d+$/.exec(match)?.[1] ?? match;

/**
 * Computes indicators match by match (records of one match each, in any order) and
 * summarises them by group. Throws RecordProblem for a record that does not verify, a
 * suspect seat that does not exist, or an honest policy that cannot play.
 */
export class IndicatorRun {
  readonly #options: IndicatorOptions;
  readonly #groups = new Map<string, GroupAccumulator>();
  #done = 0;

  constructor(options: IndicatorOptions = {}) {
    this.#options = options;
  }

  get replays(): number {
    return this.#options.replays ?? 19;
  }

  /** Reads one match's record. */
  add(events: readonly LedgerEvent[]): void {
    const v = verifyRecord(events);
    const { header, mechanism } = v;
    const options = this.#options;
    const name = groupOf(v.match);
    let g = this.#groups.get(name);
    const suspects = options.suspects ?? header.seats;
    for (const s of suspects) if (!header.seats.includes(s)) throw new RecordProblem(`--suspects ${s}: no such seat in ${v.match}; its seats are ${header.seats.join(', ')}`);
    const honest = options.honest ?? mechanism.baseline ?? null;
    const config = header.config as { gainWindow?: unknown };
    const window = options.window ?? (typeof config.gainWindow === 'number' ? config.gainWindow : null);
    if (!g) {
      g = { name, mechanism: header.mechanism, matches: [], window, suspects, honest, observed: new Map(), nulls: new Map(), notes: new Set() };
      this.#groups.set(name, g);
    }
    g.matches.push(v.match);
    const tolerance = options.tolerance ?? 0.02;
    const replays = this.replays;
    const rng = new Rng(deriveSeed(header.seed, PLACEBO_STREAM));
    const facts = factsOf(events, header.seats, v.outcome.payoffs, v.outcome.revenue);
    const seen = valuesOf(facts, mechanism, header, window, suspects, tolerance, rng, replays);

    // The honest replays: the same seeds, the suspects played by the baseline.
    const honestValues: Record<string, number>[] = [];
    if (replays > 0 && honest) {
      for (let k = 0; k < replays; k++) {
        const harnessSeed = k === 0 ? header.seed : deriveSeed(header.seed, NULL_STREAM + k);
        const fork = counterfactual(events, {
          at: 0,
          swaps: suspects.map((seat) => ({ seat, policy: honest.policy, ...(honest.params ? { params: honest.params } : {}) })),
          harnessSeed,
          verified: v,
          ...(options.policies ? { policies: options.policies } : {}),
          ...(options.stepMs !== undefined ? { stepMs: options.stepMs } : {}),
        });
        const replayed = factsOf(fork.events ?? [], header.seats, fork.counterfactual.payoffs, fork.counterfactual.final.metrics.revenue ?? 0);
        honestValues.push(valuesOf(replayed, mechanism, header, window, suspects, tolerance, null, 0).values);
        for (const note of fork.fork.notes) g.notes.add(note);
      }
    } else if (replays > 0) g.notes.add(`${header.mechanism} names no honest baseline: give one (--honest POLICY) for the null`);

    const reference: Record<string, number> = {};
    for (const key of new Set(honestValues.flatMap((x) => Object.keys(x)))) reference[key] = mean(honestValues.map((x) => x[key] ?? Number.NaN));
    relative(seen.values, reference);
    for (const x of honestValues) relative(x, reference);

    for (const [key, value] of Object.entries(seen.values)) {
      if (key.startsWith('_')) continue;
      const base = key.split('.')[0] as string;
      const spec = SPEC.get(base);
      if (!spec) continue;
      let nullValues: number[] = [];
      if (spec.null === 'honest') nullValues = honestValues.map((x) => x[key] ?? Number.NaN);
      else if (spec.null === 'placebo') nullValues = seen.placebo.map((x) => x[key] ?? Number.NaN);
      let obs = g.observed.get(key);
      let nul = g.nulls.get(key);
      if (!obs || !nul) {
        obs = [];
        nul = [];
        g.observed.set(key, obs);
        g.nulls.set(key, nul);
      }
      obs.push(value);
      nul.push(nullValues);
    }
    this.#options.onEpisode?.(++this.#done);
  }

  /** The summary of everything read so far. */
  report(source: string): IndicatorReport {
    const groups: IndicatorGroup[] = [];
    for (const g of this.#groups.values()) {
      const indicators: IndicatorResult[] = [];
      const keys = [...g.observed.keys()].sort((a, b) => {
        const ia = INDICATORS.findIndex((s) => s.name === a.split('.')[0]);
        const ib = INDICATORS.findIndex((s) => s.name === b.split('.')[0]);
        return ia - ib || (a.includes('.') ? 1 : 0) - (b.includes('.') ? 1 : 0) || a.localeCompare(b, 'en', { numeric: true });
      });
      for (const key of keys) {
        const [base, seat] = key.split('.') as [string, string | undefined];
        const spec = SPEC.get(base) as IndicatorSpec;
        const xs = g.observed.get(key) as number[];
        const nul = g.nulls.get(key) as number[][];
        const finite = xs.filter(Number.isFinite);
        const n = finite.length;
        const m = mean(xs);
        const s = sd(xs);
        const half = n > 1 && Number.isFinite(s) ? tQuantile(0.975, n - 1) * (s / Math.sqrt(n)) : 0;
        // The statistic under the null: replay k's values averaged over the episodes.
        const replays = Math.min(...nul.map((x) => x.length));
        let nullPart: IndicatorResult['null'] = null;
        let p: number | null = null;
        let pPaired: number | null = null;
        if (spec.null !== 'none' && replays > 0 && Number.isFinite(replays)) {
          const stats = Array.from({ length: replays }, (_, k) => mean(nul.map((x) => x[k] ?? Number.NaN)));
          const sorted = stats.filter(Number.isFinite).sort((a, b) => a - b);
          nullPart = { kind: spec.null, mean: finiteOrNull(mean(stats)), q05: finiteOrNull(quantile(sorted, 0.05)), q95: finiteOrNull(quantile(sorted, 0.95)), replays };
          p = monteCarloP(m, stats, spec.direction);
          pPaired = signFlipP(xs.map((x, e) => x - mean(nul[e] ?? [])), spec.direction);
        }
        indicators.push({
          name: base,
          seat: (seat as SeatId | undefined) ?? null,
          family: spec.family,
          unit: spec.unit,
          window: spec.window,
          direction: spec.direction,
          mean: finiteOrNull(m),
          sd: finiteOrNull(s),
          ci95: n > 1 ? [m - half, m + half] : null,
          n,
          null: nullPart,
          p,
          pPaired,
        });
      }
      groups.push({ name: g.name, mechanism: g.mechanism, episodes: g.matches.length, matches: g.matches, window: g.window, suspects: g.suspects, honest: g.honest, replays: this.replays, indicators, notes: [...g.notes] });
    }
    return { version: 1, source, replays: this.replays, tolerance: this.#options.tolerance ?? 0.02, definitions: INDICATORS, groups };
  }
}

/** Indicators of records given match by match (each an array of one match's events). */
export function indicators(matches: Iterable<readonly LedgerEvent[]>, source: string, options: IndicatorOptions = {}): IndicatorReport {
  const run = new IndicatorRun(options);
  for (const m of matches) run.add(m);
  return run.report(source);
}
