/**
 * posted-price@1 — a seller posts a price, buyers with private values buy or not; repeated,
 * so that a seller can learn its demand.
 *
 * Rules: each round seat p0, the seller, posts a price on its grid (with `fixedPrice` the
 * mechanism posts that price and every seat is a buyer); then each buyer seat, knowing its
 * own value for one unit (drawn afresh every round from its own stream), buys or passes, all
 * at once; `simulatedBuyers` more buyers, drawn by the mechanism, buy whenever the price is at
 * most their value. With `units` for sale and more takers than units, the units go to takers
 * in a random order. A buyer who gets a unit earns value − price; the seller earns
 * (price − unitCost) per unit sold. The seller always learns its sales; buyers and spectators
 * learn the price, and the units sold under reveal 'sales'. Deadlines: a seller who misses
 * `postMs` keeps last round's price (round 1: the middle of the range); a buyer who misses
 * `buyMs` does not buy.
 *
 * Benchmarks: the monopoly price, argmax over the grid of (p − c)·P(v ≥ p) ((H + c)/2 for values
 * uniform on [0, H]), its profit per buyer, the efficient price (the unit cost) and the
 * efficient surplus per buyer E[(v − c)⁺]. Outcome: revenue = the seller's receipts; welfare =
 * the seller's profit plus every buyer's surplus (simulated ones included); maxWelfare = the
 * best `units` values above cost, less the cost, every round.
 */
import type { Benchmark, Legal, MeasureSpec, Mechanism, SeatId } from '../core/types.ts';
import { MAX_SEATS, postedPriceActionSchema, postedPriceConfigSchema, type PostedPriceAction, type PostedPriceConfig, type Reveal } from './config.ts';
import { advanceTo, buyerCount, buyerRound, decide, firstRound, isSeller, MECHANISM_ID, post, sellerRound, type BuyerRound, type PostedPriceState, type SellerRound, type Stage } from './play.ts';
import { efficientSurplus, monopolyPrice } from './theory.ts';
import { support } from '../core/policy.ts';
import { POSTED_PRICE_ROUND_FIELDS, POSTED_PRICE_TABLES } from './tables.ts';

export type { PostedPriceConfig, PostedPriceAction } from './config.ts';
export type { PostedPriceState, RoundRecord, BuyerRound, SellerRound } from './play.ts';

interface Status {
  readonly mechanism: typeof MECHANISM_ID;
  readonly round: number;
  readonly rounds: number;
  readonly over: boolean;
  readonly stage: Stage | 'over';
  readonly deadline: number | null;
  /** This round's price once posted. */
  readonly price: number | null;
  readonly fixedPrice: number | null;
  readonly buyers: number;
  readonly simulatedBuyers: number;
  readonly units: number | null;
  readonly reveal: Reveal;
  readonly decisionsIn: number;
}

export interface SellerView extends Status {
  readonly role: 'seller';
  readonly seat: SeatId;
  readonly unitCost: number;
  readonly priceRange: { readonly low: number; readonly high: number };
  readonly priceStep: number;
  readonly history: readonly SellerRound[];
  readonly totalPayoff: number;
}

export interface BuyerView extends Status {
  readonly role: 'buyer';
  readonly seat: SeatId;
  /** Your value for one unit this round. */
  readonly value: number;
  readonly myDecision: 'buy' | 'pass' | null;
  readonly history: readonly BuyerRound[];
  readonly totalPayoff: number;
}

export type PlayerView = SellerView | BuyerView;

export interface PostedPricePublicView extends Status {
  readonly history: readonly { readonly round: number; readonly price: number; readonly sold?: number }[];
}

function status(state: PostedPriceState): Status {
  const { config } = state;
  return {
    mechanism: MECHANISM_ID,
    round: state.round,
    rounds: config.rounds,
    over: state.over,
    stage: state.over ? 'over' : state.stage,
    deadline: state.deadline,
    price: state.stage === 'buy' || state.over ? state.price : null,
    fixedPrice: config.fixedPrice,
    buyers: buyerCount(config, state.seats.length),
    simulatedBuyers: config.simulatedBuyers,
    units: config.units,
    reveal: config.reveal,
    decisionsIn: state.decisionsIn,
  };
}

const num = (x: number | null): string => (x === null ? '–' : String(Math.round(x * 100) / 100));

export const POSTED_PRICE_MEASURES: readonly MeasureSpec[] = [
  { name: 'mean_price', unit: 'money', definition: 'the posted price averaged over rounds' },
  { name: 'sale_rate', unit: 'share', definition: 'units sold / buyers (seats and simulated) over the match' },
  { name: 'seller_profit', unit: 'money per round', definition: "the seller's profit per round: (price − unit cost) × units sold" },
  { name: 'buyer_surplus', unit: 'money per round', definition: 'the surplus of every buyer who got a unit (value − price), simulated buyers included, per round' },
  { name: 'missed_share', unit: 'share', definition: 'buyer-seat decisions missed at the deadline' },
];

function rules(c: PostedPriceConfig): string {
  const { low, high } = support(c.values);
  return [
    `A posted-price market, ${c.rounds} round${c.rounds === 1 ? '' : 's'}.`,
    c.fixedPrice === null
      ? `Each round the seller (seat p0) posts a price between ${c.priceRange.low} and ${c.priceRange.high}${c.priceStep > 0 ? ` in steps of ${c.priceStep}` : ''}; each unit it sells costs it ${c.unitCost}.`
      : `Each round the price is ${c.fixedPrice}, the same for everyone.`,
    `Every buyer wants one unit. Each round each buyer's value for it is drawn afresh ${c.values.kind === 'discrete' ? `from ${c.values.values.join(', ')}` : `between ${low} and ${high}${c.values.kind === 'uniformInt' ? ' (whole numbers)' : ''}`}; only that buyer knows it.`,
    `Once the price is posted every buyer decides, at the same time, to buy or not.${c.simulatedBuyers ? ` ${c.simulatedBuyers} more buyers, played by the computer, buy whenever the price is at most their value.` : ''}`,
    c.units === null ? 'There are as many units as buyers want.' : `There are ${c.units} unit${c.units === 1 ? '' : 's'} each round; when more buyers want one, the units go to them in a random order.`,
    'A buyer who gets a unit earns its value minus the price; the seller earns the price minus its cost for each unit sold.',
    c.reveal === 'sales' ? 'After each round everyone learns the price and how many units were sold.' : 'After each round everyone learns the price; only the seller learns how many units were sold.',
    c.postMs === null ? '' : `The seller has ${c.postMs / 1000} seconds to post; if it does not, last round's price stands (in round 1 the middle of the range).`,
    c.buyMs === null ? '' : `Buyers have ${c.buyMs / 1000} seconds to decide; a buyer who does not decide in time does not buy.`,
    'Your total payoff is the sum of your round payoffs.',
  ]
    .filter(Boolean)
    .join('\n');
}

function describe(view: PlayerView): string {
  const lines = [`Posted-price market, round ${view.round} of ${view.rounds}; you are the ${view.role} (${view.seat}).`];
  if (view.role === 'seller') {
    lines.push(`Your unit cost is ${view.unitCost}. ${view.buyers + view.simulatedBuyers} buyers each want one unit${view.units === null ? '' : `; ${view.units} units for sale`}.`);
    if (view.stage === 'post') lines.push(`Post a price between ${view.priceRange.low} and ${view.priceRange.high}${view.priceStep > 0 ? ` in steps of ${view.priceStep}` : ''}.`);
    else if (view.stage === 'buy') lines.push(`You posted ${num(view.price)}; buyers are deciding (${view.decisionsIn} of ${view.buyers} in).`);
    for (const r of view.history.slice(-5)) lines.push(`Round ${r.round}: price ${num(r.price)}${r.missed ? ' (kept: you missed the deadline)' : ''}, ${r.demand} wanted a unit, ${r.sold} sold, profit ${num(r.profit)}.`);
  } else {
    lines.push(`Your value for one unit this round is ${num(view.value)}.`);
    if (view.stage === 'buy') lines.push(view.myDecision === null ? `The price is ${num(view.price)}: buy (earning ${num(view.value - (view.price ?? 0))}) or pass.` : `You chose to ${view.myDecision}; waiting for the others.`);
    else if (view.stage === 'post') lines.push('Waiting for the seller to post a price.');
    for (const r of view.history.slice(-5)) lines.push(`Round ${r.round}: price ${num(r.price)}, your value ${num(r.value)}, you ${r.decision === 'missed' ? 'missed the deadline' : r.decision === 'buy' ? (r.got ? 'bought' : 'wanted to buy but got no unit') : 'passed'}, surplus ${num(r.surplus)}${r.sold === undefined ? '' : `; ${r.sold} sold`}.`);
  }
  lines.push(`Your total payoff so far: ${num(view.totalPayoff)}.`);
  return lines.join('\n');
}

const postLegal = new WeakMap<PostedPriceConfig, Legal>();

export const postedPrice: Mechanism<PostedPriceConfig, PostedPriceState, PostedPriceAction, PlayerView, PostedPricePublicView> = {
  id: MECHANISM_ID,
  version: 1,
  title: 'Posted-price market',
  traits: { timing: 'simultaneous', utility: 'general', chance: true, private: ["a buyer's value for a unit"] },
  rules,
  configSchema: postedPriceConfigSchema,
  actionSchema: postedPriceActionSchema,
  measures: POSTED_PRICE_MEASURES,
  tables: POSTED_PRICE_TABLES,
  roundFields: POSTED_PRICE_ROUND_FIELDS,
  policies: ['fixed-price', 'truthful-buyer', 'strategic-buyer'],
  baseline: { policy: 'truthful-buyer' },
  seats: (config) => ({
    min: config.fixedPrice === null ? (config.simulatedBuyers > 0 ? 1 : 2) : 1,
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
      if (state.stage !== 'post') return [];
      let legal = postLegal.get(config);
      if (!legal) {
        const { low, high } = config.priceRange;
        legal = [{ type: 'post', params: { price: { kind: 'number', min: low, max: high, ...(config.priceStep > 0 ? { step: config.priceStep } : {}) } }, hint: `your unit cost is ${config.unitCost}` }];
        postLegal.set(config, legal);
      }
      return legal;
    }
    if (state.stage !== 'buy' || state.decisions[i] !== null) return [];
    const hint = `your value is ${num(state.values[i] as number)} and the price is ${num(state.price)}`;
    return [
      { type: 'buy', params: {}, hint },
      { type: 'pass', params: {}, hint },
    ];
  },
  apply: (state, seat, action, at) => (action.type === 'post' ? post(state, seat, action.price, at) : decide(state, seat, action.type === 'buy', at)),
  advance: advanceTo,
  view(state, seat) {
    const i = state.seats.indexOf(seat);
    const { config } = state;
    if (isSeller(config, i)) {
      return { ...status(state), role: 'seller', seat, unitCost: config.unitCost, priceRange: config.priceRange, priceStep: config.priceStep, history: state.recent.map(sellerRound), totalPayoff: state.totals[i] as number };
    }
    const d = state.decisions[i];
    return {
      ...status(state),
      role: 'buyer',
      seat,
      value: state.values[i] as number,
      myDecision: d === null || d === undefined ? null : d ? 'buy' : 'pass',
      history: state.recent.map((r) => buyerRound(config, r, i)),
      totalPayoff: state.totals[i] as number,
    };
  },
  publicView(state) {
    return { ...status(state), history: state.recent.map((r) => ({ round: r.round, price: r.price, ...(state.config.reveal === 'sales' ? { sold: r.sold } : {}) })) };
  },
  describe,
  progress: (state) => ({ round: state.round, rounds: state.config.rounds, unit: 'round', phase: state.over ? 'over' : state.stage === 'post' ? 'posting' : 'buying' }),
  outcome(state) {
    const t = state.tally;
    return {
      payoffs: Object.fromEntries(state.seats.map((s, i) => [s, state.totals[i] as number])),
      revenue: t.revenue,
      welfare: t.welfare,
      maxWelfare: t.maxWelfare,
      measures: {
        mean_price: t.rounds ? t.priceSum / t.rounds : null,
        sale_rate: t.potential ? t.sold / t.potential : null,
        seller_profit: t.rounds ? t.sellerProfit / t.rounds : null,
        buyer_surplus: t.rounds ? t.buyerSurplus / t.rounds : null,
        missed_share: t.decisions ? t.missed / t.decisions : null,
      },
    };
  },
  benchmarks(config): Record<string, Benchmark> {
    const m = monopolyPrice(config);
    const of = (value: number | null, unit: string, definition: string): Benchmark => ({ value, unit, definition, audience: 'public' });
    return {
      monopoly_price: of(m.price, 'money', 'the price on the grid that maximises expected profit per buyer, (p − unit cost)·P(value ≥ p); (high + cost)/2 for values uniform on [0, high]'),
      monopoly_profit_per_buyer: of(m.profit, 'money', 'expected profit per buyer at the monopoly price (units not running short)'),
      efficient_price: of(config.unitCost, 'money', 'the price that sells to every buyer who values a unit above its cost: the unit cost'),
      efficient_surplus_per_buyer: of(efficientSurplus(config.values, config.unitCost), 'money', 'expected surplus per buyer when everyone who values a unit above cost gets one, E[(value − cost)⁺]'),
    };
  },
  payoffBounds(config, seats) {
    const { low: vLow, high: vHigh } = support(config.values);
    const pLow = config.fixedPrice ?? config.priceRange.low;
    const pHigh = config.fixedPrice ?? config.priceRange.high;
    const perRoundBuyers = Math.min(config.units ?? Infinity, buyerCount(config, seats) + config.simulatedBuyers);
    const seller = [(pLow - config.unitCost) * perRoundBuyers, (pHigh - config.unitCost) * perRoundBuyers, 0];
    const buyer = [vLow - pHigh, vHigh - pLow, 0];
    const lo = Math.min(...seller, ...buyer);
    const hi = Math.max(...seller, ...buyer);
    return { min: Math.min(0, lo * config.rounds), max: Math.max(0, hi * config.rounds) };
  },
  oneRound: (config) => ({ ...config, rounds: 1 }),
};

export default postedPrice;
