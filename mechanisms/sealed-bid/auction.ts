/**
 * The sealed-bid single-item auction that first-price and second-price share:
 * the same rounds, values, reserve, ties, deadlines and information policy, with
 * the price rule as the one difference. The state keeps running sums and the last
 * `recall` rounds only: the record holds the history (each closed round is a
 * `round_record` event), so a view and a decision cost the same in round 10 and in
 * round 10 million.
 */
import { z } from 'zod';
import { OPENING, ROUND_RECORD, type ApplyResult, type Benchmark, type Rewards, type Legal, type MeasureSpec, type Mechanism, type MechEvent, type Outcome, type ParticipantRound, type SeatId } from '../core/types.ts';
import { communicationSchema, distributionSchema, drawFrom, support } from '../core/policy.ts';
import { strictObject } from '../core/config.ts';
import { draw, seatRng, sharedStream, type RngState, type SeedSet } from '../core/random.ts';
import { benchmarkPrice, expectedHighest } from './benchmark.ts';
import { SEALED_BID_ROUND_FIELDS } from './tables.ts';

export const REVEALS = ['nothing', 'winner', 'winningPrice', 'allBids'] as const;
export type Reveal = (typeof REVEALS)[number];

export const sealedBidConfigSchema = strictObject({
  rounds: z.number().int().min(1).max(100_000_000).default(10).meta({ title: 'Rounds', unit: 'rounds', description: 'Auctions in the session, one item each.' }),
  /** How many past rounds a view shows (the record keeps them all). */
  recall: z.number().int().min(0).max(1000).default(50).meta({ title: 'Rounds shown', unit: 'rounds', description: 'How many past rounds the bidders\' screens show (the record keeps them all).' }),
  values: distributionSchema.default({ kind: 'uniform', low: 0, high: 100 }).meta({ title: 'Values', unit: 'points', description: 'Where each bidder\'s private value for the item is drawn from.' }),
  /** Draw fresh values every round, or keep the first round's values throughout. */
  freshValues: z.boolean().default(true).meta({ title: 'Draw afresh each round', description: 'Draw new values every round, or keep the first round\'s throughout.' }),
  reserve: z.number().min(0).default(0).meta({ title: 'Reserve price', unit: 'points', description: 'The lowest bid that can win; below it the item is not sold.' }),
  /** Highest bid accepted; null means the top of the value distribution's support. */
  maxBid: z.number().positive().nullable().default(null).meta({ title: 'Highest bid', unit: 'points', description: 'Highest bid accepted; empty: the top of the values\' range.' }),
  /** Bids must be multiples of this; 0 accepts any amount. */
  bidStep: z.number().min(0).default(0).meta({ title: 'Bid step', unit: 'points', description: 'Bids are multiples of this; 0 accepts any amount.' }),
  tieBreak: z.enum(['random', 'lowestSeat']).default('random').meta({ title: 'Ties', description: 'Who wins a tie: drawn at random, or the lowest seat number.' }),
  /** What everyone learns when a round closes (each bidder always learns their own result). */
  reveal: z.enum(REVEALS).default('winningPrice').meta({ title: 'What everyone learns', description: 'After each round: nothing, the winner, the winning price, or every bid (each bidder always learns their own result).' }),
  /** Round length in ms; null: a round closes only when every bidder has bid. */
  roundMs: z.number().int().positive().nullable().default(null).meta({ title: 'Round length', unit: 'ms', description: 'How long bidding stays open; empty: a round closes when every bidder has bid.' }),
  communication: communicationSchema,
})
  .refine((c) => c.maxBid === null || c.maxBid >= c.reserve, { message: 'maxBid must be at least the reserve', path: ['maxBid'] });
export type SealedBidConfig = z.infer<typeof sealedBidConfigSchema>;

export const sealedBidActionSchema = z.discriminatedUnion('type', [z.object({ type: z.literal('bid'), amount: z.number() })]);
export type SealedBidAction = z.infer<typeof sealedBidActionSchema>;

/** A closed round. Values and bids are in seat order (state.seats). */
export interface RoundRecord {
  readonly round: number;
  readonly values: readonly number[];
  readonly bids: readonly (number | null)[];
  readonly winner: SeatId | null;
  readonly price: number | null;
}

/** Sums over the closed rounds: what the outcome and the measures are made of. */
export interface Tally {
  readonly rounds: number;
  readonly sold: number;
  readonly revenue: number;
  readonly welfare: number;
  readonly maxWelfare: number;
  /** Sum of bid/value over bids with a positive value, and how many. */
  readonly shadeSum: number;
  readonly shadeN: number;
}

export interface SealedBidState {
  readonly stateId: number;
  readonly phaseId: number;
  readonly deadline: number | null;
  readonly over: boolean;
  readonly config: SealedBidConfig;
  readonly seats: readonly SeatId[];
  readonly round: number;
  /** Current values and bids, in seat order. */
  readonly values: readonly number[];
  readonly bids: readonly (number | null)[];
  readonly bidsIn: number;
  /** The last `recall` closed rounds, oldest first. */
  readonly recent: readonly RoundRecord[];
  /** Each seat's payoff so far, in seat order. */
  readonly totals: readonly number[];
  readonly tally: Tally;
  readonly rng: { readonly shared: RngState; readonly seats: readonly RngState[] };
}

/** One closed round as a given audience may see it under the information policy. */
export interface RoundReport {
  readonly round: number;
  readonly sold: boolean;
  readonly winner?: SeatId | null;
  readonly price?: number | null;
  readonly bids?: Readonly<Record<SeatId, number | null>>;
}

export interface OwnRound extends RoundReport {
  readonly value: number;
  readonly bid: number | null;
  readonly won: boolean;
  readonly paid: number;
  readonly payoff: number;
}

export interface BidderView {
  readonly mechanism: string;
  readonly seat: SeatId;
  readonly round: number;
  readonly rounds: number;
  readonly over: boolean;
  readonly bidders: number;
  readonly value: number;
  readonly myBid: number | null;
  readonly bidsIn: number;
  readonly reserve: number;
  readonly maxBid: number;
  readonly deadline: number | null;
  /** The last `recall` rounds (the record has them all). */
  readonly history: readonly OwnRound[];
  readonly totalPayoff: number;
}

export interface AuctionPublicView {
  readonly mechanism: string;
  readonly round: number;
  readonly rounds: number;
  readonly over: boolean;
  readonly bidders: number;
  readonly bidsIn: number;
  readonly reserve: number;
  readonly deadline: number | null;
  /** The last `recall` rounds as the information policy shows them. */
  readonly history: readonly RoundReport[];
}

export type PriceRule = 'first' | 'second';

const EMPTY_TALLY: Tally = { rounds: 0, sold: 0, revenue: 0, welfare: 0, maxWelfare: 0, shadeSum: 0, shadeN: 0 };

export const SEALED_BID_MEASURES: readonly MeasureSpec[] = [
  { name: 'sale_rate', unit: 'share of rounds', definition: 'rounds in which the item sold (a bid at or above the reserve) / rounds' },
  { name: 'bid_to_value', unit: 'ratio', definition: 'mean of bid / value over the bids of bidders whose value is above 0' },
];

/** The recall window after one more closed round. */
const remember = <T>(recent: readonly T[], item: T, recall: number): T[] => (recall === 0 ? [] : recent.length < recall ? [...recent, item] : [...recent.slice(recent.length - recall + 1), item]);

const maxBidOf = (c: SealedBidConfig): number => c.maxBid ?? Math.max(support(c.values).high, c.reserve);

function drawValues(config: SealedBidConfig, streams: readonly RngState[]): [number[], RngState[]] {
  const values: number[] = [];
  const next: RngState[] = [];
  for (const stream of streams) {
    const [value, after] = draw(stream, (rng) => drawFrom(config.values, rng));
    values.push(value);
    next.push(after);
  }
  return [values, next];
}

const emptyBids = (n: number): (number | null)[] => new Array<number | null>(n).fill(null);

/** Payoff, payment and win of the seat at index i in a closed round. */
function resultOf(r: RoundRecord, seat: SeatId, i: number): { won: boolean; paid: number; payoff: number } {
  const won = r.winner === seat;
  const paid = won ? (r.price as number) : 0;
  return { won, paid, payoff: won ? (r.values[i] as number) - paid : 0 };
}

const bidsBySeat = (seats: readonly SeatId[], bids: readonly (number | null)[]): Record<SeatId, number | null> => {
  const out: Record<SeatId, number | null> = {};
  seats.forEach((s, i) => (out[s] = bids[i] ?? null));
  return out;
};

function report(r: RoundRecord, reveal: Reveal, seats: readonly SeatId[]): RoundReport {
  const sold = r.winner !== null;
  switch (reveal) {
    case 'nothing':
      return { round: r.round, sold };
    case 'winner':
      return { round: r.round, sold, winner: r.winner };
    case 'winningPrice':
      return { round: r.round, sold, price: r.price };
    case 'allBids':
      return { round: r.round, sold, winner: r.winner, price: r.price, bids: bidsBySeat(seats, r.bids) };
  }
}

export function sealedBidAuction(spec: { id: string; title: string; price: PriceRule; rules(config: SealedBidConfig): string }): Mechanism<SealedBidConfig, SealedBidState, SealedBidAction, BidderView, AuctionPublicView> {
  const legalCache = new WeakMap<SealedBidConfig, Legal>();
  const bidLegal = (config: SealedBidConfig): Legal => {
    let legal = legalCache.get(config);
    if (!legal) {
      legal = [{ type: 'bid', params: { amount: { kind: 'number', min: 0, max: maxBidOf(config), ...(config.bidStep > 0 ? { step: config.bidStep } : {}) } } }];
      legalCache.set(config, legal);
    }
    return legal;
  };

  /** Closes the current round at time `at` and opens the next one (or ends the match) as stateId `stateId`. */
  function closeRound(state: SealedBidState, at: number, stateId: number): { state: SealedBidState; events: MechEvent[]; rewards?: Rewards } {
    const { config, seats } = state;
    let best = -1;
    let top: SeatId[] = [];
    let second = -1;
    for (let i = 0; i < seats.length; i++) {
      const seat = seats[i] as SeatId;
      const bid = state.bids[i];
      if (bid === null || bid === undefined || bid < config.reserve) continue;
      if (bid > best) {
        second = best;
        best = bid;
        top = [seat];
      } else if (bid === best) {
        second = best;
        top.push(seat);
      } else if (bid > second) second = bid;
    }
    let shared = state.rng.shared;
    let winner: SeatId | null = null;
    if (top.length === 1) winner = top[0] as SeatId;
    else if (top.length > 1) {
      if (config.tieBreak === 'lowestSeat') winner = top[0] as SeatId;
      else [winner, shared] = draw(shared, (rng) => rng.pick(top));
    }
    const price = winner === null ? null : spec.price === 'first' ? best : Math.max(second, config.reserve);
    const record: RoundRecord = { round: state.round, values: state.values, bids: state.bids, winner, price };
    const over = state.round >= config.rounds;
    const events: MechEvent[] = [{ kind: 'round_closed', audience: 'public', data: report(record, config.reveal, seats) as unknown as Record<string, unknown> }];
    const rows: ParticipantRound[] = [];
    const totals = state.totals.slice();
    let highest = 0;
    let { shadeSum, shadeN } = state.tally;
    for (let i = 0; i < seats.length; i++) {
      const seat = seats[i] as SeatId;
      const own = resultOf(record, seat, i);
      const value = record.values[i] as number;
      const bid = record.bids[i] ?? null;
      totals[i] = (totals[i] as number) + own.payoff;
      if (value > highest) highest = value;
      if (bid !== null && value > 0) {
        shadeSum += bid / value;
        shadeN++;
      }
      events.push({ kind: 'round_result', audience: [seat], data: { round: record.round, value, bid, won: own.won, paid: own.paid, payoff: own.payoff } });
      rows.push({ round: record.round, seat, role: 'bidder', fields: { value, bid, won: own.won, price, winner }, payoff: own.payoff, outside: 0 });
    }
    events.push({ kind: ROUND_RECORD, audience: 'experimenter', data: { round: record.round, rows } });
    const t = state.tally;
    const tally: Tally = {
      rounds: t.rounds + 1,
      sold: t.sold + (winner === null ? 0 : 1),
      revenue: t.revenue + (price ?? 0),
      welfare: t.welfare + (winner === null ? 0 : (record.values[seats.indexOf(winner)] as number)),
      maxWelfare: t.maxWelfare + highest,
      shadeSum,
      shadeN,
    };
    const rewards = winner === null ? undefined : { [winner]: (record.values[seats.indexOf(winner)] as number) - (price as number) };
    let values = state.values;
    let seatStreams = state.rng.seats;
    if (!over && config.freshValues) [values, seatStreams] = drawValues(config, seatStreams);
    return {
      state: {
        stateId,
        phaseId: stateId,
        deadline: over || config.roundMs === null ? null : at + config.roundMs,
        over,
        config,
        seats,
        round: over ? state.round : state.round + 1,
        values,
        bids: over ? state.bids : emptyBids(seats.length),
        bidsIn: over ? state.bidsIn : 0,
        recent: remember(state.recent, record, config.recall),
        totals,
        tally,
        rng: { shared, seats: seatStreams },
      },
      events,
      ...(rewards ? { rewards } : {}),
    };
  }

  return {
    id: spec.id,
    version: 1,
    title: spec.title,
    traits: { timing: 'simultaneous', utility: 'general', chance: true, private: ['its value for the item in each round'] },
    rules: spec.rules,
    configSchema: sealedBidConfigSchema,
    actionSchema: sealedBidActionSchema,
    measures: SEALED_BID_MEASURES,
    roundFields: SEALED_BID_ROUND_FIELDS,
    policies: ['truthful', 'equilibrium', 'shader', 'bid-rotation'],
    // Truthful bidding is dominant under the second price; v·(n−1)/n is the first-price equilibrium for uniform values.
    baseline: { policy: spec.price === 'second' ? 'truthful' : 'equilibrium' },

    seats() {
      return { min: 2, max: 1000, roles: (n) => Array.from({ length: n }, () => 'bidder') };
    },

    setup(config, seats, seeds: SeedSet) {
      const values: number[] = [];
      const streams: RngState[] = [];
      for (let i = 0; i < seats.length; i++) {
        const rng = seatRng(seeds, i);
        values.push(drawFrom(config.values, rng));
        streams.push(rng.state());
      }
      return {
        ...OPENING,
        config,
        seats,
        round: 1,
        values,
        bids: emptyBids(seats.length),
        bidsIn: 0,
        recent: [],
        totals: new Array<number>(seats.length).fill(0),
        tally: EMPTY_TALLY,
        rng: { shared: sharedStream(seeds), seats: streams },
      };
    },

    legal(state, seat) {
      const i = state.seats.indexOf(seat);
      if (state.over || i < 0 || state.bids[i] !== null) return [];
      return bidLegal(state.config);
    },

    apply(state, seat, action, at): ApplyResult<SealedBidState> {
      const bids = state.bids.slice();
      bids[state.seats.indexOf(seat)] = action.amount;
      const placed: SealedBidState = {
        stateId: state.stateId + 1,
        phaseId: state.phaseId,
        deadline: state.deadline,
        over: state.over,
        config: state.config,
        seats: state.seats,
        round: state.round,
        values: state.values,
        bids,
        bidsIn: state.bidsIn + 1,
        recent: state.recent,
        totals: state.totals,
        tally: state.tally,
        rng: state.rng,
      };
      const events: MechEvent[] = [
        { kind: 'bid_placed', audience: [seat], data: { round: state.round, amount: action.amount } },
        { kind: 'bid_count', audience: 'public', data: { round: state.round, bidsIn: placed.bidsIn } },
      ];
      if (placed.bidsIn < state.seats.length) return { ok: true, state: placed, events };
      const closed = closeRound(placed, at, state.stateId + 1);
      return { ok: true, state: closed.state, events: [...events, ...closed.events], ...(closed.rewards ? { rewards: closed.rewards } : {}) };
    },

    advance(state, at) {
      if (state.over || state.config.roundMs === null) return { state, events: [] };
      if (state.deadline === null) {
        return { state: { ...state, stateId: state.stateId + 1, deadline: at + state.config.roundMs }, events: [] };
      }
      if (at < state.deadline) return { state, events: [] };
      return closeRound(state, state.deadline, state.stateId + 1);
    },

    view(state, seat): BidderView {
      const reveal = state.config.reveal;
      const i = state.seats.indexOf(seat);
      const history = state.recent.map((r): OwnRound => ({ ...report(r, reveal, state.seats), value: r.values[i] as number, bid: r.bids[i] ?? null, ...resultOf(r, seat, i) }));
      return {
        mechanism: spec.id,
        seat,
        round: state.round,
        rounds: state.config.rounds,
        over: state.over,
        bidders: state.seats.length,
        value: state.values[i] as number,
        myBid: state.bids[i] ?? null,
        bidsIn: state.bidsIn,
        reserve: state.config.reserve,
        maxBid: maxBidOf(state.config),
        deadline: state.deadline,
        history,
        totalPayoff: state.totals[i] ?? 0,
      };
    },

    publicView(state): AuctionPublicView {
      return {
        mechanism: spec.id,
        round: state.round,
        rounds: state.config.rounds,
        over: state.over,
        bidders: state.seats.length,
        bidsIn: state.bidsIn,
        reserve: state.config.reserve,
        deadline: state.deadline,
        history: state.recent.map((r) => report(r, state.config.reveal, state.seats)),
      };
    },

    describe(view) {
      const lines = [
        `You are bidder ${view.seat} of ${view.bidders} in a ${spec.price}-price sealed-bid auction, round ${view.round} of ${view.rounds}.`,
        `Your private value for the item this round is ${view.value}.`,
        view.myBid === null ? `You have not bid yet. Bids run from 0 to ${view.maxBid}; the reserve price is ${view.reserve}.` : `You bid ${view.myBid}; waiting for the others (${view.bidsIn} of ${view.bidders} bids in).`,
      ];
      for (const r of view.history.slice(-5)) {
        const seen = [r.winner !== undefined ? `winner ${r.winner ?? 'none'}` : '', r.price !== undefined && r.price !== null ? `price ${r.price}` : ''].filter(Boolean).join(', ');
        lines.push(`Round ${r.round}: value ${r.value}, your bid ${r.bid ?? 'none'}, ${r.won ? `you won and paid ${r.paid}` : 'you did not win'}, payoff ${r.payoff}${seen ? ` (${seen})` : ''}.`);
      }
      lines.push(`Your total payoff so far: ${view.totalPayoff}.`);
      return lines.join('\n');
    },

    progress(state) {
      return { round: state.round, rounds: state.config.rounds, unit: 'round', phase: state.over ? 'over' : 'bidding' };
    },

    outcome(state): Outcome {
      const t = state.tally;
      const payoffs: Record<SeatId, number> = {};
      state.seats.forEach((s, i) => (payoffs[s] = state.totals[i] as number));
      return {
        payoffs,
        revenue: t.revenue,
        welfare: t.welfare,
        maxWelfare: t.maxWelfare,
        measures: { sale_rate: t.rounds ? t.sold / t.rounds : 0, bid_to_value: t.shadeN ? t.shadeSum / t.shadeN : 0 },
      };
    },

    benchmarks(config, seats): Record<string, Benchmark> {
      const price = benchmarkPrice(config.values, seats, config.reserve);
      const highest = expectedHighest(config.values, seats);
      return {
        equilibrium_price: { value: price, unit: 'money', definition: 'expected price per round in the risk-neutral symmetric equilibrium (the same under both price rules: revenue equivalence); null when the reserve binds', audience: 'public' },
        equilibrium_revenue: { value: price === null ? null : price * config.rounds, unit: 'money', definition: 'expected revenue over the match in that equilibrium', audience: 'public' },
        efficient_welfare: { value: highest * config.rounds, unit: 'money', definition: 'expected surplus of giving each round\'s item to its highest value', audience: 'public' },
      };
    },

    oneRound(config) {
      return { ...config, rounds: 1 };
    },

    payoffBounds(config) {
      const { high } = support(config.values);
      return { min: -config.rounds * maxBidOf(config), max: config.rounds * high };
    },
  };
}
