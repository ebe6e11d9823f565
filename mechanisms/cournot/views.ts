/** What a firm and a spectator see of a cournot match, and a firm's view as text. */
import type { SeatId } from '../core/types.ts';
import type { CournotConfig } from './config.ts';
import type { LinearModel } from './market.ts';
import { chosenValue, fmt, seatIndex, type ChoiceSpace, type MarketState, type PeriodOutcome } from '../bertrand/repeated-market.ts';

export type CournotState = MarketState<CournotConfig>;

/**
 * A closed period as a firm sees it, arrays in seat order with null where the information
 * policy hides an entry. The price is the market's, the same for every firm, and always
 * shown; under 'allQuantities' nothing is hidden (with the demand and the costs public,
 * every firm's profit follows from the quantities).
 */
export interface SeenPeriod {
  readonly quantities: readonly (number | null)[];
  /** Indices on the firms' quantity grids; null on a continuous range. */
  readonly indices: readonly (number | null)[] | null;
  readonly prices: readonly number[];
  readonly profits: readonly (number | null)[];
}

/** A firm's view. Its arrays are the engine's own, shared by every period that repeats a joint choice: read them, never write them. */
export interface FirmView {
  readonly mechanism: 'cournot';
  readonly seat: SeatId;
  /** This firm's place in seat order (the index into lastQuantities). */
  readonly firm: number;
  readonly firms: number;
  readonly period: number;
  readonly periods: number;
  readonly over: boolean;
  readonly cost: number;
  /** Most this firm can produce in a period; null: no limit. */
  readonly capacity: number | null;
  /** This period's quantity, once set. */
  readonly myQuantity: number | null;
  /** How many firms have chosen their quantity this period. */
  readonly produced: number;
  readonly deadline: number | null;
  /** Last period's market price; null before the first period closes. */
  readonly lastPrice: number | null;
  /** Last period's quantities in seat order (null where hidden); null before the first period closes. */
  readonly lastQuantities: readonly (number | null)[] | null;
  /** The same as indices on the firms' quantity grids, for table learners; null on a continuous range. */
  readonly lastIndices: readonly (number | null)[] | null;
  readonly lastProfit: number | null;
  /** The last `recall` periods, oldest first (the record has them all); the first is period `historyFrom`. */
  readonly history: readonly SeenPeriod[];
  readonly historyFrom: number;
  readonly totalProfit: number;
}

/** A closed period as everyone may see it. */
export interface PeriodReport {
  readonly period: number;
  readonly price: number;
  /** Every firm's quantity in seat order, when the information policy shows them. */
  readonly quantities?: readonly number[];
}

export interface MarketPublicView {
  readonly mechanism: 'cournot';
  readonly firms: number;
  readonly period: number;
  readonly periods: number;
  readonly over: boolean;
  readonly produced: number;
  readonly deadline: number | null;
  readonly last: PeriodReport | null;
  readonly history: readonly PeriodReport[];
}

export function periodReport(config: CournotConfig, period: number, r: PeriodOutcome): PeriodReport {
  const price = r.prices[0] ?? 0;
  return config.reveal === 'allQuantities' ? { period, price, quantities: r.quantities } : { period, price };
}

/** Only firm i's entry, the others null. */
function ownOnly<T>(values: readonly T[], i: number): (T | null)[] {
  const out = new Array<T | null>(values.length).fill(null);
  out[i] = values[i] as T;
  return out;
}

/** A period as firm i may see it (the period's own object when nothing is hidden). */
function seenBy(config: CournotConfig, r: PeriodOutcome, i: number): SeenPeriod {
  if (config.reveal === 'allQuantities') return r;
  return { quantities: ownOnly(r.quantities, i), indices: r.indices && ownOnly(r.indices, i), prices: r.prices, profits: ownOnly(r.profits, i) };
}

export function firmView(state: CournotState, seat: SeatId, model: LinearModel): FirmView {
  const i = seatIndex(state.seats, seat);
  const { config, last } = state;
  const all = config.reveal === 'allQuantities';
  const own = state.chosen[i];
  const grid = last?.indices ?? null;
  const capacity = model.market.capacities[i] as number;
  return {
    mechanism: 'cournot',
    seat,
    firm: i,
    firms: state.seats.length,
    period: state.period,
    periods: config.periods,
    over: state.over,
    cost: model.market.costs[i] as number,
    capacity: Number.isFinite(capacity) ? capacity : null,
    myQuantity: own === undefined || own < 0 ? null : chosenValue(model.spaces[i] as ChoiceSpace, own),
    produced: state.chosenCount,
    deadline: state.deadline,
    lastPrice: last ? (last.prices[0] as number) : null,
    lastQuantities: last ? (all ? last.quantities : ownOnly(last.quantities, i)) : null,
    lastIndices: grid ? (all ? grid : ownOnly(grid, i)) : null,
    lastProfit: last ? (last.profits[i] as number) : null,
    history: all || state.recent.length === 0 ? state.recent : state.recent.map((r) => seenBy(config, r, i)),
    historyFrom: state.recentFrom,
    totalProfit: state.totals[i] ?? 0,
  };
}

export function publicMarketView(state: CournotState): MarketPublicView {
  const { config } = state;
  return {
    mechanism: 'cournot',
    firms: state.seats.length,
    period: state.period,
    periods: config.periods,
    over: state.over,
    produced: state.chosenCount,
    deadline: state.deadline,
    last: state.last ? periodReport(config, state.over ? state.period : state.period - 1, state.last) : null,
    history: state.recent.map((r, k) => periodReport(config, state.recentFrom + k, r)),
  };
}

const quantityList = (quantities: readonly (number | null)[], me: number): string =>
  quantities
    .map((q, j) => (q === null ? null : `p${j}${j === me ? ' (you)' : ''} ${fmt(q)}`))
    .filter(Boolean)
    .join(', ');

export function describeFirm(view: FirmView): string {
  const lines = [
    `You are firm ${view.seat} of ${view.firms} in a repeated quantity competition, period ${view.period} of ${view.periods}.`,
    `Your unit cost is ${fmt(view.cost)}${view.capacity === null ? '' : ` and you can produce at most ${fmt(view.capacity)} a period`}; your profit each period is (market price − your cost) × your quantity.`,
  ];
  if (!view.over) {
    lines.push(view.myQuantity === null ? `You have not chosen this period's quantity yet (${view.produced} of ${view.firms} firms have).` : `You chose ${fmt(view.myQuantity)} this period; waiting for the others (${view.produced} of ${view.firms} have chosen).`);
  }
  const me = view.firm;
  const line = (period: number, quantities: readonly (number | null)[], price: number, profit: number) => {
    const sold = quantities.some((q, j) => q !== null && j !== me) ? `quantities ${quantityList(quantities, me)}` : `your quantity ${fmt(quantities[me] ?? 0)}`;
    return `Period ${period}: ${sold}; price ${fmt(price)}; you earned ${fmt(profit)}.`;
  };
  const shown = view.history.slice(-5);
  shown.forEach((r, k) => lines.push(line(view.historyFrom + view.history.length - shown.length + k, r.quantities, r.prices[me] ?? 0, r.profits[me] ?? 0)));
  if (view.history.length === 0 && view.lastQuantities !== null && view.lastPrice !== null && view.lastProfit !== null) {
    lines.push(line(view.over ? view.period : view.period - 1, view.lastQuantities, view.lastPrice, view.lastProfit).replace(/^Period \d+/, 'Last period'));
  }
  lines.push(`Your total profit so far: ${fmt(view.totalProfit)}.`);
  return lines.join('\n');
}
