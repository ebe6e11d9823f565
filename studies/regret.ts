/**
 * Ex-post regret in sealed-bid auctions, from records (DESIGN §8, indicators): with the other
 * bids of a round as they were recorded, what would a seat have earned with the best bid it
 * could have made, against what it got?
 *
 * - Per seat and round: the best bid on a grid of amounts (multiples of `step`, capped at the
 *   highest bid accepted) against the recorded opponents' bids; regret = that payoff − the
 *   realised payoff (never negative: the seat's own bid is among those tried).
 * - Per seat and episode (repeated rounds): the best fixed shading factor f on a grid (the bid
 *   f·value in every round), summed over the episode's rounds; regret = its payoff − the realised
 *   total. It may be negative: a seat that adapts round by round can beat every fixed factor.
 *   Among factors that do equally well, the one nearest 1 (truthful) is named the best.
 *
 * The payoff of a bid b against the others' highest bid h (bids under the reserve do not
 * count): b below the reserve or below h loses (0); above h it wins and pays b (first price)
 * or max(h, reserve) (second price); equal to h it ties — under random tie-breaking the
 * expected share 1/(tied + 1), under lowestSeat a win only when its seat comes first. The
 * others' bids are held fixed: this is regret against the recorded play, not an equilibrium.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SealedBidSettlement } from '../mechanisms/core/probe.ts';
import { findMechanism, MECHANISMS, probeOf } from '../mechanisms/registry.ts';
import { RunningStat, type MetricSummary } from './metrics.ts';
import { jsonLines, openCsv } from './read-rows.ts';

/** How the auction settles a round: its probe says (mechanisms/<id>/probe.ts, `sealedBid`). */
export type AuctionRules = SealedBidSettlement;

/** One participant-round of a sealed-bid auction, as rounds.csv or a round_record event holds it. */
export interface BidRow {
  readonly treatment: string;
  readonly episode: number;
  readonly round: number;
  readonly seat: string;
  readonly value: number;
  readonly bid: number | null;
  readonly payoff: number;
  readonly policy?: string;
}

export interface RoundRegret {
  readonly treatment: string;
  readonly episode: number;
  readonly round: number;
  readonly seat: string;
  readonly value: number;
  readonly bid: number | null;
  readonly payoff: number;
  readonly bestBid: number;
  readonly bestPayoff: number;
  readonly regret: number;
}

export interface EpisodeRegret {
  readonly treatment: string;
  readonly episode: number;
  readonly seat: string;
  readonly rounds: number;
  readonly payoff: number;
  readonly bestFraction: number;
  readonly bestPayoff: number;
  readonly regret: number;
}

export interface SeatRegretSummary {
  readonly treatment: string;
  readonly seat: string;
  readonly policy: string | null;
  /** Regret per participant-round against the best bid in hindsight. */
  readonly round: MetricSummary;
  /** The realised payoff per round, for scale. */
  readonly payoff: MetricSummary;
  /** Regret per episode against the best fixed shading factor. */
  readonly fixedFraction: MetricSummary;
  /** The best fixed factor, averaged over episodes. */
  readonly bestFraction: number;
}

export interface RegretGrid {
  /** The bid grid's spacing (default 0.01, or the config's bidStep). */
  readonly step?: number;
  /** The shading factors tried (default 0, 0.01, ..., 1.5). */
  readonly fractions?: readonly number[];
}

export const DEFAULT_FRACTIONS: readonly number[] = Array.from({ length: 151 }, (_, i) => i / 100);

/** The auction rules of a sealed-bid mechanism's config (`mechanism` is an id or id@version), or null for another mechanism. */
export async function auctionRules(mechanism: string, config: unknown): Promise<AuctionRules | null> {
  const m = findMechanism(mechanism);
  return m ? ((await probeOf(m)).sealedBid?.(config) ?? null) : null;
}

/** Why a mechanism has no ex-post regret, naming those that have. */
async function notSealedBid(what: string): Promise<RegretInputError> {
  const have: string[] = [];
  for (const m of MECHANISMS) if ((await probeOf(m)).sealedBid && !have.includes(m.id)) have.push(m.id);
  return new RegretInputError(`ex-post regret is for the sealed-bid auctions (${have.join(', ')}); ${what}`);
}

const seatIndex = (seat: string): number => Number(seat.slice(1));

/** What a seat faces in a round: the others' highest counted bid, how many tie at it, and the lowest seat among them. */
interface Facing {
  readonly high: number;
  readonly tied: number;
  readonly firstTied: number;
}

function facing(rows: readonly BidRow[], me: number, rules: AuctionRules): Facing {
  let high = -Infinity;
  let tied = 0;
  let firstTied = Infinity;
  for (let j = 0; j < rows.length; j++) {
    if (j === me) continue;
    const row = rows[j] as BidRow;
    const b = row.bid;
    if (b === null || b < rules.reserve) continue;
    const idx = seatIndex(row.seat);
    if (b > high) {
      high = b;
      tied = 1;
      firstTied = idx;
    } else if (b === high) {
      tied++;
      firstTied = Math.min(firstTied, idx);
    }
  }
  return { high, tied, firstTied };
}

/** The (expected) payoff of bidding b with value v against what the seat faces. */
export function payoffOf(b: number, v: number, seat: number, f: Facing, rules: AuctionRules): number {
  if (b < rules.reserve || b < f.high) return 0;
  if (b > f.high) return v - (rules.price === 'first' ? b : Math.max(f.high, rules.reserve));
  const price = b;
  if (rules.tieBreak === 'lowestSeat') return seat < f.firstTied ? v - price : 0;
  return (v - price) / (f.tied + 1);
}

/** The best bid on the grid (multiples of step, at most maxBid) and its payoff; the seat's own bid is tried too. */
function bestBid(v: number, own: number | null, seat: number, f: Facing, rules: AuctionRules, step: number): { bid: number; payoff: number } {
  const cap = rules.maxBid ?? Infinity;
  // Payoff is 0 below the threshold, a tie at h, then falling (first price) or flat (second price) above:
  // the best grid bid is 0 or one of the two grid points at or just above the threshold.
  let best = { bid: 0, payoff: payoffOf(0, v, seat, f, rules) };
  const threshold = Math.max(f.high, rules.reserve, 0);
  const first = Math.ceil(threshold / step - 1e-9) * step;
  for (const b of [first, first + step, ...(own === null ? [] : [own])]) {
    if (b > cap + 1e-9) continue;
    const p = payoffOf(b, v, seat, f, rules);
    if (p > best.payoff + 1e-12) best = { bid: b, payoff: p };
  }
  return best;
}

interface SeatEpisode {
  rounds: number;
  payoff: number;
  readonly byFraction: Float64Array;
}

interface SeatTally {
  readonly treatment: string;
  readonly seat: string;
  readonly policy: string | null;
  readonly round: RunningStat;
  readonly payoff: RunningStat;
  readonly fixed: RunningStat;
  fractionSum: number;
  episodes: number;
}

/**
 * Streams rows in record order (treatment, episode, round) and folds them into regrets; each
 * finished round and episode is told to the callbacks, the summary kept per treatment and seat.
 */
export class ExpostRegret {
  readonly #rulesOf: (treatment: string) => AuctionRules;
  readonly #step: number | undefined;
  readonly #fractions: readonly number[];
  readonly #onRound: ((r: RoundRegret) => void) | undefined;
  readonly #onEpisode: ((r: EpisodeRegret) => void) | undefined;
  #round: BidRow[] = [];
  #episode = new Map<string, SeatEpisode>();
  #episodeKey: string | null = null;
  #episodeOf: { treatment: string; episode: number } | null = null;
  readonly #tallies = new Map<string, SeatTally>();

  constructor(rulesOf: (treatment: string) => AuctionRules, grid: RegretGrid & { readonly onRound?: (r: RoundRegret) => void; readonly onEpisode?: (r: EpisodeRegret) => void } = {}) {
    this.#rulesOf = rulesOf;
    this.#step = grid.step;
    this.#fractions = grid.fractions ?? DEFAULT_FRACTIONS;
    this.#onRound = grid.onRound;
    this.#onEpisode = grid.onEpisode;
  }

  add(row: BidRow): void {
    const first = this.#round[0];
    if (first && (first.treatment !== row.treatment || first.episode !== row.episode || first.round !== row.round)) this.#closeRound();
    const key = `${row.treatment}\n${row.episode}`;
    if (this.#episodeKey !== null && key !== this.#episodeKey) this.#closeEpisode();
    this.#episodeKey = key;
    this.#episodeOf = { treatment: row.treatment, episode: row.episode };
    this.#round.push(row);
  }

  #tally(row: BidRow): SeatTally {
    const key = `${row.treatment}\n${row.seat}`;
    let t = this.#tallies.get(key);
    if (!t) {
      t = { treatment: row.treatment, seat: row.seat, policy: row.policy ?? null, round: new RunningStat(), payoff: new RunningStat(), fixed: new RunningStat(), fractionSum: 0, episodes: 0 };
      this.#tallies.set(key, t);
    }
    return t;
  }

  #closeRound(): void {
    const rows = this.#round;
    this.#round = [];
    if (!rows.length) return;
    const rules = this.#rulesOf((rows[0] as BidRow).treatment);
    const step = this.#step ?? 0.01;
    const fractions = this.#fractions;
    rows.forEach((row, i) => {
      const seat = seatIndex(row.seat);
      const f = facing(rows, i, rules);
      const best = bestBid(row.value, row.bid, seat, f, rules, step);
      const regret = Math.max(0, best.payoff - row.payoff);
      const tally = this.#tally(row);
      tally.round.push(regret);
      tally.payoff.push(row.payoff);
      this.#onRound?.({ treatment: row.treatment, episode: row.episode, round: row.round, seat: row.seat, value: row.value, bid: row.bid, payoff: row.payoff, bestBid: best.bid, bestPayoff: best.payoff, regret });
      let ep = this.#episode.get(row.seat);
      if (!ep) {
        ep = { rounds: 0, payoff: 0, byFraction: new Float64Array(fractions.length) };
        this.#episode.set(row.seat, ep);
      }
      ep.rounds++;
      ep.payoff += row.payoff;
      const cap = rules.maxBid ?? Infinity;
      for (let k = 0; k < fractions.length; k++) ep.byFraction[k] = (ep.byFraction[k] as number) + payoffOf(Math.min(cap, (fractions[k] as number) * row.value), row.value, seat, f, rules);
    });
  }

  #closeEpisode(): void {
    const of = this.#episodeOf;
    if (!of) return;
    for (const [seat, ep] of this.#episode) {
      // Ties (a factor that never wins does as well as another that never wins) go to the factor nearest 1, truthful.
      const fr = this.#fractions;
      let k = 0;
      for (let j = 1; j < ep.byFraction.length; j++) {
        const d = (ep.byFraction[j] as number) - (ep.byFraction[k] as number);
        if (d > 1e-9 || (d > -1e-9 && Math.abs((fr[j] as number) - 1) < Math.abs((fr[k] as number) - 1))) k = j;
      }
      const bestPayoff = ep.byFraction[k] as number;
      const bestFraction = this.#fractions[k] as number;
      const regret = bestPayoff - ep.payoff;
      const tally = this.#tallies.get(`${of.treatment}\n${seat}`) as SeatTally;
      tally.fixed.push(regret);
      tally.fractionSum += bestFraction;
      tally.episodes++;
      this.#onEpisode?.({ treatment: of.treatment, episode: of.episode, seat, rounds: ep.rounds, payoff: ep.payoff, bestFraction, bestPayoff, regret });
    }
    this.#episode = new Map();
  }

  /** Closes the last round and episode; the summary per treatment and seat, in the order they first appeared. */
  finish(): SeatRegretSummary[] {
    this.#closeRound();
    this.#closeEpisode();
    this.#episodeKey = null;
    this.#episodeOf = null;
    return [...this.#tallies.values()].map((t) => ({ treatment: t.treatment, seat: t.seat, policy: t.policy, round: t.round.summary(), payoff: t.payoff.summary(), fixedFraction: t.fixed.summary(), bestFraction: t.episodes ? t.fractionSum / t.episodes : Number.NaN }));
  }
}

/** Ex-post regret of rows held in memory: every round's and episode's regret and the summary. */
export function expostRegret(rows: Iterable<BidRow>, rulesOf: (treatment: string) => AuctionRules, grid: RegretGrid = {}): { rounds: RoundRegret[]; episodes: EpisodeRegret[]; summary: SeatRegretSummary[] } {
  const rounds: RoundRegret[] = [];
  const episodes: EpisodeRegret[] = [];
  const tally = new ExpostRegret(rulesOf, { ...grid, onRound: (r) => rounds.push(r), onEpisode: (e) => episodes.push(e) });
  for (const row of rows) tally.add(row);
  return { rounds, episodes, summary: tally.finish() };
}

/** Bid rows from participant rows of one episode (a round_record's rows, or EpisodeResult.rows). */
export function bidRowsOf(rows: Iterable<{ readonly round: number; readonly seat: string; readonly fields: Readonly<Record<string, unknown>>; readonly payoff: number }>, treatment: string, episode: number, policyOf?: (seat: string) => string | undefined): BidRow[] {
  const out: BidRow[] = [];
  for (const r of rows) {
    const bid = r.fields.bid;
    const policy = policyOf?.(r.seat);
    out.push({ treatment, episode, round: r.round, seat: r.seat, value: Number(r.fields.value), bid: typeof bid === 'number' ? bid : null, payoff: r.payoff, ...(policy ? { policy } : {}) });
  }
  return out;
}

/** What ex-post regret reads from: a results folder (rounds.csv and manifest.json) or a record (events.jsonl). */
export interface BidRecords {
  /** The auction rules of each treatment. */
  readonly rulesOf: (treatment: string) => AuctionRules;
  readonly treatments: readonly string[];
  readonly rows: AsyncIterable<BidRow>;
}

/** A problem with the records given (not a sealed-bid auction, no rows, a missing file). */
export class RegretInputError extends Error {}

/**
 * Opens the bid records of a results folder (its rounds.csv, with the mechanism and every
 * treatment's config from manifest.json) or of an events.jsonl record (round_record events,
 * the config from each match's match_started event; the treatment is the middle part of the
 * match id `study/treatment/episode`).
 */
export async function openBidRecords(source: string): Promise<BidRecords> {
  if (!existsSync(source)) throw new RegretInputError(`${source}: no such file or folder`);
  if (statSync(source).isDirectory()) {
    const manifestPath = join(source, 'manifest.json');
    const roundsPath = join(source, 'rounds.csv');
    if (!existsSync(manifestPath)) throw new RegretInputError(`${source} is not a results folder: it has no manifest.json`);
    if (!existsSync(roundsPath)) throw new RegretInputError(`${source} has no rounds.csv (run the study without --no-rounds, or give its events.jsonl)`);
    let manifest: { mechanism?: string; treatments?: { name: string; config?: unknown }[] };
    try {
      manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof manifest;
    } catch (error) {
      throw new RegretInputError(`${manifestPath} is not valid JSON (${(error as Error).message})`);
    }
    const mechanism = manifest.mechanism ?? '';
    const rules = new Map<string, AuctionRules>();
    for (const t of manifest.treatments ?? []) {
      const r = await auctionRules(mechanism, t.config);
      if (!r) throw await notSealedBid(`${source} is a ${mechanism || 'unknown mechanism'} study`);
      rules.set(t.name, r);
    }
    const rulesOf = (treatment: string) => {
      const r = rules.get(treatment);
      if (!r) throw new RegretInputError(`rounds.csv names treatment '${treatment}', which manifest.json does not have`);
      return r;
    };
    async function* rows(): AsyncGenerator<BidRow> {
      const { columns, records } = openCsv(roundsPath);
      const at: Record<string, number> = Object.fromEntries(columns.map((c, i) => [c, i]));
      for (const need of ['treatment', 'episode', 'round', 'participant.seat', 'player.value', 'player.bid', 'player.payoff']) {
        if (!(need in at)) throw new RegretInputError(`${roundsPath} has no column ${need}`);
      }
      for (const cells of records) {
        const cell = (name: string) => cells[at[name] as number] ?? '';
        const bid = cell('player.bid');
        const policy = 'participant.policy' in at ? cell('participant.policy') : '';
        yield {
          treatment: cell('treatment'),
          episode: Number(cell('episode')),
          round: Number(cell('round')),
          seat: cell('participant.seat'),
          value: Number(cell('player.value')),
          bid: bid === '' || bid === 'NA' ? null : Number(bid),
          payoff: Number(cell('player.payoff')),
          ...(policy ? { policy } : {}),
        };
      }
    }
    return { rulesOf, treatments: [...rules.keys()], rows: rows() };
  }
  // A record: rules come with each match, so they are read as the rows stream by.
  const rules = new Map<string, AuctionRules>();
  const names: string[] = [];
  async function* rows(): AsyncGenerator<BidRow> {
    const episodes = new Map<string, number>();
    const events = jsonLines(source);
    for (;;) {
      let next: IteratorResult<unknown>;
      try {
        next = events.next();
      } catch (error) {
        throw new RegretInputError((error as Error).message);
      }
      if (next.done) break;
      const event = next.value as { match?: string; kind?: string; data?: Record<string, unknown> };
      const match = String(event.match ?? '');
      const parts = match.split('/');
      const treatment = parts.length >= 3 ? (parts[parts.length - 2] as string) : match;
      const last = Number(parts[parts.length - 1]);
      if (!episodes.has(match)) episodes.set(match, Number.isInteger(last) && parts.length >= 3 ? last : episodes.size);
      if (event.kind === 'match_started') {
        const data = event.data ?? {};
        const r = await auctionRules(String(data.mechanism ?? ''), data.config);
        if (!r) throw await notSealedBid(`match ${match} is ${String(data.mechanism ?? 'unknown')}`);
        if (!rules.has(treatment)) names.push(treatment);
        rules.set(treatment, r);
      } else if (event.kind === 'round_record') {
        const data = event.data as { rows?: { round: number; seat: string; fields: Record<string, unknown>; payoff: number }[] };
        yield* bidRowsOf(data.rows ?? [], treatment, episodes.get(match) as number);
      }
    }
  }
  const rulesOf = (treatment: string) => {
    const r = rules.get(treatment);
    if (!r) throw new RegretInputError(`${source}: rounds of '${treatment}' come before its match_started event`);
    return r;
  };
  return { rulesOf, treatments: names, rows: rows() };
}
