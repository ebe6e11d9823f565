/** What a firm and a spectator see of a bertrand match, and a firm's view as text. */
import type { SeatId } from '../core/types.ts';
import type { BertrandConfig } from './config.ts';
import type { LogitModel } from './market.ts';
import { chosenValue, fmt, seatIndex, type ChoiceSpace, type MarketState, type PeriodOutcome } from './repeated-market.ts';

export type BertrandState = MarketState<BertrandConfig>;

/**
 * A closed period as a firm sees it, arrays in seat order with null where the information
 * policy hides an entry. Under 'allPrices' nothing is hidden: with the demand and the costs
 * public, every firm's sales and profit follow from the prices.
 */
export interface SeenPeriod {
  readonly prices: readonly (number | null)[];
  /** Indices on the firms' price grids; null on a continuous range. */
  readonly indices: readonly (number | null)[] | null;
  readonly quantities: readonly (number | null)[];
  readonly profits: readonly (number | null)[];
}

/** A firm's view. Its arrays are the engine's own, shared by every period that repeats a joint choice: read them, never write them. */
export interface FirmView {
  readonly mechanism: 'bertrand';
  readonly seat: SeatId;
  /** This firm's place in seat order (the index into lastPrices). */
  readonly firm: number;
  readonly firms: number;
  readonly period: number;
  readonly periods: number;
  readonly over: boolean;
  readonly quality: number;
  readonly cost: number;
  /** This period's price, once set. */
  readonly myPrice: number | null;
  /** How many firms have priced this period. */
  readonly priced: number;
  readonly deadline: number | null;
  /** Last period's prices in seat order (null where hidden); null before the first period closes. */
  readonly lastPrices: readonly (number | null)[] | null;
  /** The same as indices on the firms' price grids, for table learners; null on a continuous range. */
  readonly lastIndices: readonly (number | null)[] | null;
  readonly lastQuantity: number | null;
  readonly lastProfit: number | null;
  /** The last `recall` periods, oldest first (the record has them all); the first is period `historyFrom`. */
  readonly history: readonly SeenPeriod[];
  readonly historyFrom: number;
  readonly totalProfit: number;
}

/** A closed period as everyone may see it. */
export interface PeriodReport {
  readonly period: number;
  /** Every firm's price in seat order, when the information policy shows them. */
  readonly prices?: readonly number[];
}

export interface MarketPublicView {
  readonly mechanism: 'bertrand';
  readonly firms: number;
  readonly period: number;
  readonly periods: number;
  readonly over: boolean;
  readonly priced: number;
  readonly deadline: number | null;
  readonly last: PeriodReport | null;
  readonly history: readonly PeriodReport[];
}

export function periodReport(config: BertrandConfig, period: number, r: PeriodOutcome): PeriodReport {
  return config.reveal === 'allPrices' ? { period, prices: r.prices } : { period };
}


/** Only firm i's entry, the others null. */
function ownOnly<T>(values: readonly T[], i: number): (T | null)[] {
  const out = new Array<T | null>(values.length).fill(null);
  out[i] = values[i] as T;
  return out;
}

/** A period as firm i may see it (the period's own object when nothing is hidden). */
function seenBy(config: BertrandConfig, r: PeriodOutcome, i: number): SeenPeriod {
  if (config.reveal === 'allPrices') return r;
  return { prices: ownOnly(r.prices, i), indices: r.indices && ownOnly(r.indices, i), quantities: ownOnly(r.quantities, i), profits: ownOnly(r.profits, i) };
}

export function firmView(state: BertrandState, seat: SeatId, model: LogitModel): FirmView {
  const i = seatIndex(state.seats, seat);
  const { config, last } = state;
  const all = config.reveal === 'allPrices';
  const own = state.chosen[i];
  const grid = last?.indices ?? null;
  return {
    mechanism: 'bertrand',
    seat,
    firm: i,
    firms: state.seats.length,
    period: state.period,
    periods: config.periods,
    over: state.over,
    quality: model.market.a[i] as number,
    cost: model.market.c[i] as number,
    myPrice: own === undefined || own < 0 ? null : chosenValue(model.spaces[i] as ChoiceSpace, own),
    priced: state.chosenCount,
    deadline: state.deadline,
    lastPrices: last ? (all ? last.prices : ownOnly(last.prices, i)) : null,
    lastIndices: grid ? (all ? grid : ownOnly(grid, i)) : null,
    lastQuantity: last ? (last.quantities[i] as number) : null,
    lastProfit: last ? (last.profits[i] as number) : null,
    history: all || state.recent.length === 0 ? state.recent : state.recent.map((r) => seenBy(config, r, i)),
    historyFrom: state.recentFrom,
    totalProfit: state.totals[i] ?? 0,
  };
}

export function publicMarketView(state: BertrandState): MarketPublicView {
  const { config } = state;
  return {
    mechanism: 'bertrand',
    firms: state.seats.length,
    period: state.period,
    periods: config.periods,
    over: state.over,
    priced: state.chosenCount,
    deadline: state.deadline,
    last: state.last ? periodReport(config, state.over ? state.period : state.period - 1, state.last) : null,
    history: state.recent.map((r, k) => periodReport(config, state.recentFrom + k, r)),
  };
}

const priceList = (prices: readonly (number | null)[], me: number): string =>
  prices
    .map((p, j) => (p === null ? null : `p${j}${j === me ? ' (you)' : ''} ${fmt(p)}`))
    .filter(Boolean)
    .join(', ');

export function describeFirm(view: FirmView): string {
  const lines = [
    `You are firm ${view.seat} of ${view.firms} in a repeated price competition, period ${view.period} of ${view.periods}.`,
    `Your quality is ${fmt(view.quality)} and your unit cost ${fmt(view.cost)}; your profit each period is (your price − your cost) × your sales.`,
  ];
  if (!view.over) {
    lines.push(view.myPrice === null ? `You have not set this period's price yet (${view.priced} of ${view.firms} firms have).` : `You set ${fmt(view.myPrice)} this period; waiting for the others (${view.priced} of ${view.firms} have priced).`);
  }
  const shown = view.history.slice(-5);
  shown.forEach((r, k) => {
    const me = view.firm;
    const period = view.historyFrom + view.history.length - shown.length + k;
    const prices = r.prices.some((p, j) => p !== null && j !== me) ? `prices ${priceList(r.prices, me)}` : `your price ${fmt(r.prices[me] ?? 0)}`;
    lines.push(`Period ${period}: ${prices}; you sold ${fmt(r.quantities[me] ?? 0)} and earned ${fmt(r.profits[me] ?? 0)}.`);
  });
  if (view.history.length === 0 && view.lastPrices !== null && view.lastQuantity !== null && view.lastProfit !== null) {
    lines.push(`Last period: prices ${priceList(view.lastPrices, view.firm)}; you sold ${fmt(view.lastQuantity)} and earned ${fmt(view.lastProfit)}.`);
  }
  lines.push(`Your total profit so far: ${fmt(view.totalProfit)}.`);
  return lines.join('\n');
}
