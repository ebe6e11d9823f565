/**
 * reputation@1 — a repeated market where quality is hidden until bought and buyers leave
 * public ratings: can reputation keep sellers honest?
 *
 * Rules: the first `sellers` seats sell, the others buy. Each round every seller offers, at
 * the same time, a quality (high or low; a unit costs it costs.high or costs.low) and a price
 * on its grid; nobody else sees the quality. Then every buyer seat sees each seller's price
 * and, under information 'ratings', its rating (the weighted mean of its ratings, 1 to 5
 * stars, with how many count) and picks one seller or passes; `simulatedBuyers` more buyers,
 * played by the mechanism, pick the seller whose rating promises the most surplus (a rating
 * of m stars read as a chance (m − 1)/4 of high quality, one half for an unrated seller or
 * without ratings), if that surplus is not negative, or (with `simulatedExplore`, or
 * simulatedChoice 'random') any seller at random. Sellers serve everyone who picks them.
 * A buyer that bought learns the quality and rates it, 1 to 5 stars; simulated buyers give 5
 * for high quality and 1 for low. A buyer earns its value of the quality (values.high or
 * values.low, plus its private taste, drawn afresh each round on [0, tasteSpread]) minus the
 * price; a seller earns (price − its cost of the quality − its private cost shock, drawn
 * afresh each round on [0, costSpread]) for each unit sold. Ratings are
 * remembered with `decay` (a rating's weight is multiplied by it every round) and within
 * `window` rounds. Deadlines (stageMs, per stage): a seller who misses it keeps its last
 * offer (round 1: low quality at the middle price), a buyer who misses choosing buys
 * nothing, one who misses rating leaves no rating. Once the market closes everyone learns
 * every seller's qualities and sales.
 *
 * Benchmarks: the Klein–Leffler quality-assuring price c_H + r·(c_H − c_L) and premium
 * r·(c_H − c_L) at the interest rate `interest`; the lemons price (values.low: what buyers
 * pay for a quality they cannot trust); the one-shot share of high quality (0: low quality
 * saves cost and loses no sale); the best gain per purchase. Outcome: revenue = sellers'
 * receipts; welfare = sellers' profits plus every buyer's surplus; maxWelfare = every buyer
 * served the better quality (when it is worth its cost) every round.
 */
import type { Benchmark, Legal, MeasureSpec, Mechanism, SeatId } from '../core/types.ts';
import { MAX_SEATS, QUALITIES, STARS, reputationActionSchema, reputationConfigSchema, type Information, type Quality, type ReputationAction, type ReputationConfig } from './config.ts';
import { advanceTo, buyerCount, buyerRound, choose, firstRound, isSeller, MECHANISM_ID, offer, rate, sellerRound, sellerSeats, type BuyerRound, type Offer, type ReputationState, type SellerRound, type Stage } from './play.ts';
import { qualityAssuringPrice, qualityPremium } from './theory.ts';
import { REPUTATION_ROUND_FIELDS } from './tables.ts';

export type { ReputationConfig, ReputationAction, Quality } from './config.ts';
export type { ReputationState, RoundRecord, BuyerRound, SellerRound, Rating, Offer } from './play.ts';

/** One seller as buyers see it before choosing: its price once the offers are in, its rating under 'ratings'. */
export interface Listing {
  readonly seat: SeatId;
  readonly price: number | null;
  readonly rating?: number | null;
  readonly ratings?: number;
}

interface Status {
  readonly mechanism: typeof MECHANISM_ID;
  readonly round: number;
  readonly rounds: number;
  readonly over: boolean;
  readonly stage: Stage | 'over';
  readonly deadline: number | null;
  readonly information: Information;
  readonly values: { readonly high: number; readonly low: number };
  readonly priceRange: { readonly low: number; readonly high: number };
  readonly priceStep: number;
  readonly buyers: number;
  readonly simulatedBuyers: number;
  readonly market: readonly Listing[];
  readonly offersIn: number;
  readonly choicesIn: number;
}

export interface SellerView extends Status {
  readonly role: 'seller';
  readonly seat: SeatId;
  readonly costs: { readonly high: number; readonly low: number };
  /** Your private cost shock this round, added to your cost of either quality. */
  readonly costShock: number;
  readonly myOffer: Offer | null;
  readonly history: readonly SellerRound[];
  readonly totalPayoff: number;
}

export interface BuyerView extends Status {
  readonly role: 'buyer';
  readonly seat: SeatId;
  /** Your private taste this round, added to your value of either quality. */
  readonly taste: number;
  /** The seller you picked this round, 'pass', or null before choosing. */
  readonly myChoice: SeatId | 'pass' | null;
  /** What you bought this round, once chosen (the quality shows after buying). */
  readonly bought: { readonly seller: SeatId; readonly quality: Quality; readonly price: number } | null;
  readonly myStars: number | null;
  readonly history: readonly BuyerRound[];
  readonly totalPayoff: number;
}

export type PlayerView = SellerView | BuyerView;

export interface PublicRound {
  readonly round: number;
  readonly prices: readonly number[];
  /** The ratings buyers saw before choosing (under 'ratings'). */
  readonly ratings?: readonly (number | null)[];
  /** Once the market has closed: each seller's quality and sales. */
  readonly qualities?: readonly Quality[];
  readonly sales?: readonly number[];
}

export interface ReputationPublicView extends Status {
  readonly history: readonly PublicRound[];
}

function status(state: ReputationState): Status {
  const { config } = state;
  const showPrices = state.stage !== 'offer' || state.over;
  return {
    mechanism: MECHANISM_ID,
    round: state.round,
    rounds: config.rounds,
    over: state.over,
    stage: state.over ? 'over' : state.stage,
    deadline: state.deadline,
    information: config.information,
    values: config.values,
    priceRange: config.priceRange,
    priceStep: config.priceStep,
    buyers: buyerCount(config, state.seats.length),
    simulatedBuyers: config.simulatedBuyers,
    market: sellerSeats(state).map((seat, k) => ({
      seat,
      price: showPrices ? ((state.offers[k] ?? state.lastOffers[k])?.price ?? null) : null,
      ...(config.information === 'ratings' ? { rating: state.board[k]?.mean ?? null, ratings: state.board[k]?.count ?? 0 } : {}),
    })),
    offersIn: state.offersIn,
    choicesIn: state.choicesIn,
  };
}

const num = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : String(Math.round(x * 100) / 100));

export const REPUTATION_MEASURES: readonly MeasureSpec[] = [
  { name: 'rating_quality_correlation', unit: 'correlation', definition: "the correlation, over rated sellers' offers, between the seller's rating buyers saw and the quality it then sold (1 high, 0 low)" },
  { name: 'sales_rating_correlation', unit: 'correlation', definition: 'the same over units sold (of rated sellers): the rating the buyer saw against the quality it got' },
  { name: 'buyer_surplus', unit: 'money per round', definition: 'the surplus of every buyer who bought (value + taste − price), simulated buyers included, per round' },
  { name: 'low_quality_share', unit: 'share', definition: 'units sold at low quality / units sold' },
  { name: 'high_quality_offers', unit: 'share', definition: "sellers' offers at high quality / offers" },
  { name: 'seller_profit', unit: 'money per round', definition: "a seller's profit per round, averaged over sellers: (price − cost of its quality) × units sold" },
  { name: 'missed_share', unit: 'share', definition: 'offers and choices missed at the deadline / offers and choices due' },
];

function rules(c: ReputationConfig): string {
  const buyersLine = c.information === 'ratings' ? "each seller's price and its rating (the average of its buyers' ratings, 1 to 5 stars, and how many there are)" : "each seller's price only (no ratings are shown)";
  return [
    `A market with hidden quality, ${c.rounds} round${c.rounds === 1 ? '' : 's'}. ${c.sellers === 1 ? 'Seat p0 sells' : `Seats p0 to p${c.sellers - 1} sell`}; the others buy.`,
    `Each round every seller chooses a quality, high (each unit costs it ${c.costs.high}) or low (${c.costs.low}), and a price between ${c.priceRange.low} and ${c.priceRange.high}${c.priceStep > 0 ? ` in steps of ${c.priceStep}` : ''}. Nobody else sees the quality.`,
    `Then every buyer sees ${buyersLine}, and picks one seller or none.${c.simulatedBuyers ? ` ${c.simulatedBuyers} more buyers, played by the computer, ${c.simulatedChoice === 'random' ? 'pick a seller at random' : 'pick the seller whose rating promises the most value for its price (if any is worth it)'}, and rate truthfully.` : ''}`,
    `A unit of high quality is worth ${c.values.high} to a buyer, low quality ${c.values.low}${c.tasteSpread > 0 ? `, plus the buyer's own taste this round (between 0 and ${c.tasteSpread}, known only to it)` : ''}. A buyer earns that value minus the price; a seller earns the price minus its cost${c.costSpread > 0 ? ` (plus its own cost shock this round, between 0 and ${c.costSpread}, known only to it)` : ''} for each unit it sells.`,
    'A buyer who bought learns the quality and rates the seller from 1 to 5 stars. Ratings are public.',
    c.decay < 1 || c.window !== null ? `Older ratings count less:${c.decay < 1 ? ` each round a rating's weight is multiplied by ${c.decay}` : ''}${c.window !== null ? `${c.decay < 1 ? ';' : ''} only the last ${c.window} round${c.window === 1 ? '' : 's'} count` : ''}.` : '',
    c.stageMs === null ? '' : `Each stage has ${c.stageMs / 1000} seconds: a seller who does not offer keeps its last offer (in round 1: low quality at the middle price); a buyer who does not choose buys nothing; one who does not rate leaves no rating.`,
    'When the market closes everyone learns every quality sold. Your total payoff is the sum of your round payoffs.',
  ]
    .filter(Boolean)
    .join('\n');
}

const listingLine = (l: Listing): string => `${l.seat}: price ${num(l.price)}${l.rating === undefined ? '' : l.rating === null ? ', no ratings yet' : `, rating ${num(l.rating)} from ${num(l.ratings)} rating${l.ratings === 1 ? '' : 's'}`}`;

function describe(view: PlayerView): string {
  const lines = [`Reputation market, round ${view.round} of ${view.rounds}; you are a ${view.role} (${view.seat}).`, `High quality is worth ${view.values.high} to a buyer, low quality ${view.values.low}.`];
  if (view.role === 'seller') {
    lines.push(`Your cost per unit: ${view.costs.high} for high quality, ${view.costs.low} for low${view.costShock ? `, plus ${num(view.costShock)} this round` : ''}.`);
    if (view.stage === 'offer') lines.push(view.myOffer ? `You offered ${view.myOffer.quality} quality at ${num(view.myOffer.price)}; waiting for the other sellers.` : `Offer a quality (high or low) and a price between ${view.priceRange.low} and ${view.priceRange.high}.`);
    else if (!view.over) lines.push(`Buyers are ${view.stage === 'choose' ? 'choosing' : 'rating'}.`);
    for (const r of view.history.slice(-5)) lines.push(`Round ${r.round}: ${r.quality} quality at ${num(r.price)}${r.missed ? ' (kept: you missed the deadline)' : ''}, ${r.sold} sold, profit ${num(r.profit)}${r.ratingAfter === undefined ? '' : `, rating after ${num(r.ratingAfter)}`}.`);
  } else {
    if (view.taste) lines.push(`Your taste this round adds ${num(view.taste)} to either quality.`);
    if (view.stage === 'choose') lines.push(view.myChoice === null ? 'Pick a seller, or pass:' : `You ${view.myChoice === 'pass' ? 'passed' : `picked ${view.myChoice}`}; waiting for the others.`);
    if (view.stage === 'rate' && view.bought) lines.push(view.myStars === null ? `You bought from ${view.bought.seller} at ${num(view.bought.price)} and got ${view.bought.quality} quality. Rate it from ${STARS.min} to ${STARS.max} stars.` : `You rated ${view.bought.seller} ${view.myStars} stars.`);
    if (view.stage === 'offer' && !view.over) lines.push('Waiting for the sellers to offer.');
    for (const r of view.history.slice(-5)) lines.push(`Round ${r.round}: ${r.choice === 'missed' ? 'you missed the deadline' : r.choice === 'pass' ? 'you passed' : `you bought ${r.quality} quality from ${r.choice} at ${num(r.price)}${r.stars === null ? '' : `, rated ${r.stars}`}`}, surplus ${num(r.surplus)}.`);
  }
  if (!view.over && view.stage !== 'offer') for (const l of view.market) lines.push(listingLine(l));
  lines.push(`Your total payoff so far: ${num(view.totalPayoff)}.`);
  return lines.join('\n');
}

/** Pearson's correlation from running sums; null with fewer than two points or no spread. */
function pearson(n: number, sx: number, sy: number, sxx: number, syy: number, sxy: number): number | null {
  const vx = n * sxx - sx * sx;
  const vy = n * syy - sy * sy;
  return n > 1 && vx > 1e-9 && vy > 1e-9 ? (n * sxy - sx * sy) / Math.sqrt(vx * vy) : null;
}

const offerLegal = new WeakMap<ReputationConfig, Legal>();

export const reputation: Mechanism<ReputationConfig, ReputationState, ReputationAction, PlayerView, ReputationPublicView> = {
  id: MECHANISM_ID,
  version: 1,
  title: 'Reputation market',
  traits: { timing: 'simultaneous', utility: 'general', chance: true, private: ["a seller's quality until bought, its cost shock and its profit", "a buyer's taste"] },
  rules,
  configSchema: reputationConfigSchema,
  actionSchema: reputationActionSchema,
  measures: REPUTATION_MEASURES,
  roundFields: REPUTATION_ROUND_FIELDS,
  policies: ['honest-seller', 'low-quality-seller', 'milker', 'rating-buyer', 'truthful-rater'],
  baseline: { policy: 'rating-buyer' },
  seats: (config) => ({
    min: config.sellers + (config.simulatedBuyers > 0 ? 0 : 1),
    max: MAX_SEATS,
    roles: (n) => Array.from({ length: n }, (_, i) => (isSeller(config, i) ? 'seller' : 'buyer')),
  }),
  setup: firstRound,
  legal(state, seat) {
    if (state.over) return [];
    const i = state.seats.indexOf(seat);
    if (i < 0) return [];
    const { config } = state;
    if (isSeller(config, i)) {
      if (state.stage !== 'offer' || state.offers[i] !== null) return [];
      let legal = offerLegal.get(config);
      if (!legal) {
        const { low, high } = config.priceRange;
        legal = [{ type: 'offer', params: { quality: { kind: 'choice', options: QUALITIES }, price: { kind: 'number', min: low, max: high, ...(config.priceStep > 0 ? { step: config.priceStep } : {}) } }, hint: `a unit costs you ${config.costs.high} at high quality, ${config.costs.low} at low` }];
        offerLegal.set(config, legal);
      }
      return legal;
    }
    if (state.stage === 'choose') {
      if (state.choices[i] !== null) return [];
      const hint = status(state).market.map(listingLine).join('; ');
      return [
        { type: 'choose', params: { seller: { kind: 'choice', options: sellerSeats(state) } }, hint },
        { type: 'pass', params: {}, hint: 'buy nothing this round' },
      ];
    }
    const c = state.choices[i];
    if (state.stage === 'rate' && c !== null && c !== undefined && c >= 0 && state.stars[i] === null) {
      return [{ type: 'rate', params: { stars: { kind: 'integer', min: STARS.min, max: STARS.max } }, hint: `you got ${(state.offers[c] as Offer).quality} quality from ${state.seats[c]}` }];
    }
    return [];
  },
  apply(state, seat, action, at) {
    switch (action.type) {
      case 'offer':
        return offer(state, seat, action.quality, action.price, at);
      case 'choose':
        return choose(state, seat, sellerSeats(state).indexOf(action.seller as SeatId), at);
      case 'pass':
        return choose(state, seat, -1, at);
      case 'rate':
        return rate(state, seat, action.stars, at);
    }
  },
  advance: advanceTo,
  view(state, seat) {
    const i = state.seats.indexOf(seat);
    const { config } = state;
    if (isSeller(config, i)) {
      return { ...status(state), role: 'seller', seat, costs: config.costs, costShock: state.tastes[i] as number, myOffer: state.offers[i] ?? null, history: state.recent.map((r, k) => sellerRound(r, i, k + 1 < state.recent.length ? state.recent[k + 1]?.board : state.board)), totalPayoff: state.totals[i] as number };
    }
    const c = state.choices[i];
    const bought = c !== null && c !== undefined && c >= 0 && state.stage !== 'offer' ? { seller: state.seats[c] as SeatId, quality: (state.offers[c] as Offer).quality, price: (state.offers[c] as Offer).price } : null;
    return {
      ...status(state),
      role: 'buyer',
      seat,
      taste: state.tastes[i] as number,
      myChoice: c === null || c === undefined ? null : c < 0 ? 'pass' : (state.seats[c] as SeatId),
      bought: state.over ? null : bought,
      myStars: state.stars[i] ?? null,
      history: state.recent.map((r) => buyerRound(state, r, i)),
      totalPayoff: state.totals[i] as number,
    };
  },
  publicView(state) {
    const ratings = state.config.information === 'ratings';
    return {
      ...status(state),
      history: state.recent.map((r) => ({
        round: r.round,
        prices: r.offers.map((o) => o.price),
        ...(ratings ? { ratings: r.board.map((b) => b.mean) } : {}),
        ...(state.over ? { qualities: r.offers.map((o) => o.quality), sales: r.sales } : {}),
      })),
    };
  },
  describe,
  progress: (state) => ({ round: state.round, rounds: state.config.rounds, unit: 'round', phase: state.over ? 'over' : state.stage === 'offer' ? 'offering' : state.stage === 'choose' ? 'choosing' : 'rating' }),
  outcome(state) {
    const t = state.tally;
    const correlation = pearson(t.pairs, t.sx, t.sy, t.sxx, t.syy, t.sxy);
    const unitCorrelation = pearson(t.units, t.ux, t.uy, t.uxx, t.uyy, t.uxy);
    return {
      payoffs: Object.fromEntries(state.seats.map((s, i) => [s, state.totals[i] as number])),
      revenue: t.revenue,
      welfare: t.welfare,
      maxWelfare: t.maxWelfare,
      measures: {
        rating_quality_correlation: correlation,
        sales_rating_correlation: unitCorrelation,
        buyer_surplus: t.rounds ? t.buyerSurplus / t.rounds : null,
        low_quality_share: t.sold ? t.lowSold / t.sold : null,
        high_quality_offers: t.offers ? t.highOffers / t.offers : null,
        seller_profit: t.rounds ? t.sellerProfit / t.rounds / state.config.sellers : null,
        missed_share: t.decisions ? t.missed / t.decisions : null,
      },
    };
  },
  benchmarks(config): Record<string, Benchmark> {
    const of = (value: number | null, unit: string, definition: string): Benchmark => ({ value, unit, definition, audience: 'public' });
    return {
      quality_assuring_price: of(qualityAssuringPrice(config), 'money', 'Klein–Leffler: the least price at which a trusted seller loses by milking its reputation, c_H + r·(c_H − c_L), r the interest rate per round'),
      quality_premium: of(qualityPremium(config), 'money', 'the price premium over the high-quality cost that assures quality, r·(c_H − c_L)'),
      lemons_price: of(config.values.low, 'money', 'what a buyer pays at most for a quality it cannot trust: the value of low quality (Akerlof)'),
      one_shot_high_share: of(0, 'share', 'the share of high quality in one round, or without ratings: 0 (low quality saves its cost and loses no sale)'),
      best_gain_per_purchase: of(Math.max(0, config.values.high - config.costs.high, config.values.low - config.costs.low), 'money', 'the welfare of one purchase at the better quality (before tastes)'),
    };
  },
  payoffBounds(config, seats) {
    const buyers = buyerCount(config, seats) + config.simulatedBuyers;
    const { low: pLow, high: pHigh } = config.priceRange;
    const seller = [(pLow - config.costs.high - config.costSpread) * buyers, (pHigh - config.costs.low) * buyers, 0];
    const buyer = [config.values.low - pHigh, config.values.high + config.tasteSpread - pLow, 0];
    const lo = Math.min(...seller, ...buyer);
    const hi = Math.max(...seller, ...buyer);
    return { min: Math.min(0, lo * config.rounds), max: Math.max(0, hi * config.rounds) };
  },
  oneRound: (config) => ({ ...config, rounds: 1 }),
};

export default reputation;
