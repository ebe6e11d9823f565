/**
 * cournot@1 — repeated quantity competition with linear demand (Cournot 1838).
 *
 * Rules: n firms (2 by default) sell one homogeneous good for `periods` periods. Each
 * period every firm chooses a quantity q_i, all at once; the market price is
 * P = max(0, A − B·Q) with Q = Σ q_i, and firm i earns (P − c_i)·q_i that period (a
 * loss when the price is below its cost); its payoff is the sum over the periods. A
 * firm's quantities lie on a grid of `grid` evenly spaced points (15) spanning
 * [lo − ξ·gap, hi + ξ·gap] ∩ [0, capacity_i], where lo and hi are the smaller and larger
 * of its one-shot Cournot–Nash quantity q^N_i and its collusive (joint-profit) quantity
 * q^M_i and gap = |q^N_i − q^M_i| (Calvano et al.'s grid carried over to quantities;
 * when the two coincide, from 0 to the smaller of its capacity and A/B); with
 * `grid: null` any quantity in that interval (or in `range`, capped at the capacity) is
 * allowed. A period closes when every firm has chosen, or at its deadline (`periodMs`),
 * where a firm that has not keeps last period's quantity, in period 1 the grid quantity
 * nearest its Nash quantity (that quantity itself on a continuous range); the record
 * marks it as missed.
 *
 * Parameters: intercept A (10), slope B (1), costs c_i (1) and capacities k_i (null: none)
 * — one number for all firms or a list, one entry per firm, which then fixes the seat
 * count; periods (1000, up to 100,000,000), grid (15 or null), xi (0.1), range, periodMs,
 * reveal, recall, gainWindow, communication. Demand, costs and capacities are public.
 *
 * Seats see: their own cost and capacity, their quantity this period once set, how many
 * firms have chosen, the deadline; after each period the market price, their own
 * quantity and profit, and what `reveal` says — every firm's quantity ('allQuantities')
 * or nothing more ('priceOnly', from which a firm can infer only the others' total);
 * last period's quantities both as quantities and as grid indices (`lastQuantities`,
 * `lastIndices`), the last `recall` periods, and their total profit.
 * Spectators see: the period, how many firms have chosen, the deadline, each period's
 * price and the quantities `reveal` shows (under 'priceOnly' nothing about any firm).
 *
 * Benchmarks: Cournot–Nash and collusive quantities, price and profits (per firm as
 * well when firms differ), for equal and unequal costs and binding capacities: the Nash
 * equilibrium is the one with a positive price (unique when every cost is positive),
 * exact to rounding; collusion fills the cheapest capacity first and splits equal costs
 * equally. Measures, over the window (the last `gainWindow` periods, the whole match by
 * default): mean price, mean total quantity, mean profit and the profit gain
 * Δ = (π̄ − π^N)/(π^M − π^N), with π̄, π^N and π^M averaged over firms. Outcome: revenue
 * = P·Q summed over periods; welfare = ∫₀^Q P − Σ c_i q_i summed; maxWelfare = the same
 * at the efficient output (price down to marginal cost, cheapest capacity first).
 */
import type { Benchmark, MeasureSpec, Mechanism } from '../core/types.ts';
import { cournotActionSchema, cournotConfigSchema, cournotSeats, type CournotAction, type CournotConfig } from './config.ts';
import { linearModel, type LinearModel } from './market.ts';
import { fmt, gainOf, repeatedMarket, windowMeans } from '../bertrand/repeated-market.ts';
import { describeFirm, firmView, periodReport, publicMarketView, type CournotState, type FirmView, type MarketPublicView } from './views.ts';
import { REPEATED_MARKET_ROUND_FIELDS } from '../bertrand/tables.ts';

export type { CournotConfig, CournotAction } from './config.ts';
export type { CournotState, FirmView, SeenPeriod, MarketPublicView, PeriodReport } from './views.ts';

const engine = repeatedMarket<CournotConfig, LinearModel>({
  choice: 'quantity',
  model: linearModel,
  hint(config, model, i) {
    const s = model.spaces[i];
    if (!s) return '';
    const cost = `your unit cost is ${fmt(model.market.costs[i] as number)}`;
    return s.grid ? `one of ${s.grid.length} quantities from ${fmt(s.low)} to ${fmt(s.high)}; ${cost}` : `a quantity from ${fmt(s.low)} to ${fmt(s.high)}; ${cost}`;
  },
  report: periodReport,
});

const modelOf = (state: CournotState): LinearModel => engine.derivedOf(state.config, state.seats.length).model;
const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

export const COURNOT_MEASURES: readonly MeasureSpec[] = [
  { name: 'mean_price', unit: 'money', definition: 'mean market price over the periods of the window (the last gainWindow periods; the whole match by default)' },
  { name: 'mean_total_quantity', unit: 'units per period', definition: 'mean of the total quantity Q = Σ q_i over the periods of the window' },
  { name: 'mean_profit', unit: 'money per firm-period', definition: 'mean profit per firm and period over the window' },
  { name: 'profit_gain', unit: 'ratio', definition: 'Δ = (π̄ − π^N)/(π^M − π^N) over the window: mean profit per firm-period, 0 at the one-shot Cournot–Nash profit and 1 at the collusive (joint-profit) profit, both averaged over firms' },
];

const listOf = (v: number | readonly number[]): string => (typeof v === 'number' ? `${fmt(v)} for every firm` : v.map((x) => fmt(x)).join(', '));

function rules(config: CournotConfig): string {
  const lines = [
    `Repeated quantity competition in one homogeneous good, for ${config.periods} period${config.periods === 1 ? '' : 's'}.`,
    'Each period every firm chooses how much to produce; all firms choose at the same time.',
    `The market price is P = max(0, ${fmt(config.intercept)} − ${fmt(config.slope)} × Q), where Q is the total of all firms' quantities: the more is produced, the lower the price.`,
    `Unit costs c_i: ${listOf(config.costs)}.${config.capacities === null ? '' : ` Capacities (most a firm can produce in a period): ${listOf(config.capacities)}.`} All of these are known to every firm.`,
    'Your profit in a period is (price − your cost) × your quantity, a loss when the price is below your cost; your payoff is the sum of your profits over all periods.',
    config.grid === null ? 'You may choose any quantity in the range your controls show.' : `You choose among ${config.grid} evenly spaced quantities, shown in your controls.`,
    config.periodMs === null
      ? 'A period closes when every firm has chosen its quantity.'
      : `A period closes when every firm has chosen, or after ${fmt(config.periodMs / 1000, 1)} seconds: a firm that has not chosen by then keeps last period's quantity (in period 1 the quantity nearest the one-shot equilibrium quantity).`,
    config.reveal === 'allQuantities' ? 'After each period every firm sees the price and all firms’ quantities, and its own profit.' : 'After each period each firm sees the price and its own quantity and profit, never another firm’s quantity.',
  ];
  return lines.join('\n');
}

export const cournot: Mechanism<CournotConfig, CournotState, CournotAction, FirmView, MarketPublicView> = {
  id: 'cournot',
  version: 1,
  title: 'Repeated Cournot competition (linear demand)',
  traits: { timing: 'simultaneous', utility: 'general', chance: false, private: [] },
  rules,
  configSchema: cournotConfigSchema,
  actionSchema: cournotActionSchema,
  measures: COURNOT_MEASURES,
  roundFields: REPEATED_MARKET_ROUND_FIELDS,
  policies: [],
  /** Honest play: each firm at its Nash quantity (the benchmark policy), what the indicators' null replays play. */
  baseline: { policy: 'benchmark', params: { benchmark: 'nash_quantity' } },

  seats(config) {
    const { min, max } = cournotSeats(config);
    return { min, max, roles: (n) => new Array<string>(n).fill('firm') };
  },

  setup: (config, seats) => engine.setup(config, seats),
  legal: engine.legal,
  apply: engine.apply,
  advance: engine.advance,
  view: (state, seat) => firmView(state, seat, modelOf(state)),
  publicView: publicMarketView,
  describe: describeFirm,
  progress: (state) => engine.progress(state, 'producing'),

  outcome(state) {
    const model = modelOf(state);
    const w = windowMeans(state, engine.windowPeriods(state));
    return engine.outcome(state, {
      mean_price: w.price,
      mean_total_quantity: w.quantity,
      mean_profit: w.profit,
      profit_gain: gainOf(w.profit, mean(model.nash.profits), mean(model.collusive.profits)),
    });
  },

  benchmarks(config, seats) {
    const model = engine.derivedOf(config, seats).model;
    const { nash, collusive, efficient } = model;
    const of = (value: number, unit: string, definition: string): Benchmark => ({ value, unit, definition, audience: 'public' });
    const out: Record<string, Benchmark> = {
      nash_quantity: of(mean(nash.quantities), 'units per period', 'one-shot Cournot–Nash quantity, mean over firms (each firm best-responds to the others; the equilibrium with a positive price)'),
      nash_total_quantity: of(nash.total, 'units per period', 'total quantity in the Cournot–Nash equilibrium'),
      nash_price: of(nash.price, 'money', 'market price in the Cournot–Nash equilibrium'),
      nash_profit: of(mean(nash.profits), 'money per period', 'profit per firm and period in the Cournot–Nash equilibrium, mean over firms'),
      collusive_quantity: of(mean(collusive.quantities), 'units per period', 'quantity per firm that maximises joint profit (cheapest capacity first, equal costs sharing equally), mean over firms'),
      collusive_total_quantity: of(collusive.total, 'units per period', 'total quantity that maximises joint profit'),
      collusive_price: of(collusive.price, 'money', 'market price at the joint-profit maximum'),
      collusive_profit: of(mean(collusive.profits), 'money per period', 'profit per firm and period at the joint-profit maximum, mean over firms'),
      competitive_total_quantity: of(efficient.total, 'units per period', 'the efficient total quantity: price down to the marginal cost of the last unit, cheapest capacity first'),
      competitive_price: of(efficient.price, 'money', 'market price at the efficient total quantity'),
    };
    if (!model.symmetric) {
      for (let i = 0; i < seats; i++) {
        out[`nash_quantity_p${i}`] = of(nash.quantities[i] as number, 'units per period', `firm p${i}’s Cournot–Nash quantity`);
        out[`nash_profit_p${i}`] = of(nash.profits[i] as number, 'money per period', `firm p${i}’s profit per period in the Cournot–Nash equilibrium`);
        out[`collusive_quantity_p${i}`] = of(collusive.quantities[i] as number, 'units per period', `firm p${i}’s quantity at the joint-profit maximum`);
        out[`collusive_profit_p${i}`] = of(collusive.profits[i] as number, 'money per period', `firm p${i}’s profit per period at the joint-profit maximum`);
      }
    }
    return out;
  },

  payoffBounds: (config, seats) => engine.payoffBounds(config, seats),

  oneRound(config) {
    return { ...config, periods: 1 };
  },
};

export default cournot;
