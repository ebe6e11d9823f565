/**
 * bertrand@1 — repeated price competition with logit demand (Calvano, Calzolari,
 * Denicolò & Pastorello 2020, "Artificial Intelligence, Algorithmic Pricing, and
 * Collusion", AER 110(10)); the defaults are the paper's baseline.
 *
 * Rules: n firms (2 by default) sell differentiated products for `periods` periods. Each
 * period every firm sets a price, all at once. Firm i sells the logit share
 *   q_i = exp((a_i − p_i)/μ) / (Σ_j exp((a_j − p_j)/μ) + exp(a_0/μ))
 * of one unit of demand and earns (p_i − c_i)·q_i that period; its payoff is the sum
 * over the periods. Prices lie on a grid of `grid` evenly spaced points (15) spanning
 * [p^N_i − ξ(p^M_i − p^N_i), p^M_i + ξ(p^M_i − p^N_i)] (ξ = 0.1), where p^N_i and p^M_i
 * are the firm's one-shot Bertrand–Nash and joint-profit-maximising prices; with
 * `grid: null` any price in that interval (or in `range`) is allowed. A period closes
 * when every firm has priced, or at its deadline (`periodMs`), where a firm that has not
 * priced keeps last period's price, in period 1 the grid price nearest its Nash price
 * (that price itself on a continuous range); the record marks it as missed.
 *
 * Parameters: qualities a_i (2), costs c_i (1) — one number for all firms or a list, one
 * entry per firm, which then fixes the seat count; outsideQuality a_0 (0), mu μ (1/4),
 * periods (1000, up to 100,000,000), grid (15 or null), xi (0.1), range, periodMs,
 * reveal, recall, gainWindow, communication. Qualities, costs and demand are public.
 *
 * Seats see: their own quality and cost, their price this period once set, how many
 * firms have priced, the deadline; after each period, what `reveal` says — every firm's
 * price ('allPrices'), or only their own ('ownOnly') — and always their own sales and
 * profit; last period's prices both as prices and as grid indices (`lastPrices`,
 * `lastIndices`), the last `recall` periods, and their total profit.
 * Spectators see: the period, how many firms have priced, the deadline, and the prices
 * `reveal` shows (under 'ownOnly' nothing about any firm).
 *
 * Benchmarks: Bertrand–Nash and monopoly prices and profits (per firm as well when firms
 * differ), solved to 1e-10. Measures, over the window (the last `gainWindow` periods,
 * the whole match by default): mean price, mean profit and the profit gain
 * Δ = (π̄ − π^N)/(π^M − π^N), with π̄, π^N and π^M averaged over firms. Outcome: revenue
 * = consumers' spending Σ p_i·q_i; welfare = consumer surplus over the outside good
 * (μ·ln(Σ_j exp((a_j − p_j)/μ) + exp(a_0/μ)) − a_0) plus profits; maxWelfare = the
 * same at prices equal to costs, which maximises it.
 */
import type { Benchmark, MeasureSpec, Mechanism } from '../core/types.ts';
import { bertrandActionSchema, bertrandConfigSchema, bertrandSeats, type BertrandAction, type BertrandConfig } from './config.ts';
import { logitModel, type LogitModel } from './market.ts';
import { fmt, gainOf, repeatedMarket, windowMeans } from './repeated-market.ts';
import { describeFirm, firmView, periodReport, publicMarketView, type BertrandState, type FirmView, type MarketPublicView } from './views.ts';
import { REPEATED_MARKET_ROUND_FIELDS } from './tables.ts';

export type { BertrandConfig, BertrandAction } from './config.ts';
export type { BertrandState, FirmView, SeenPeriod, MarketPublicView, PeriodReport } from './views.ts';

const engine = repeatedMarket<BertrandConfig, LogitModel>({
  choice: 'price',
  model: logitModel,
  hint(config, model, i) {
    const s = model.spaces[i];
    if (!s) return '';
    return s.grid ? `one of ${s.grid.length} prices from ${fmt(s.low)} to ${fmt(s.high)}; your unit cost is ${fmt(model.market.c[i] as number)}` : `a price from ${fmt(s.low)} to ${fmt(s.high)}; your unit cost is ${fmt(model.market.c[i] as number)}`;
  },
  report: periodReport,
});

const modelOf = (state: BertrandState): LogitModel => engine.derivedOf(state.config, state.seats.length).model;
const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

export const BERTRAND_MEASURES: readonly MeasureSpec[] = [
  { name: 'mean_price', unit: 'money', definition: 'mean price over firms and the periods of the window (the last gainWindow periods; the whole match by default)' },
  { name: 'mean_profit', unit: 'money per firm-period', definition: 'mean profit per firm and period over the window' },
  { name: 'profit_gain', unit: 'ratio', definition: 'Δ = (π̄ − π^N)/(π^M − π^N) over the window: mean profit per firm-period, 0 at the one-shot Bertrand–Nash profit and 1 at the monopoly (joint-profit) profit, both averaged over firms' },
];

function rules(config: BertrandConfig): string {
  const lines = [
    `Repeated price competition with differentiated products, for ${config.periods} period${config.periods === 1 ? '' : 's'}.`,
    `Each period every firm sets a price; all firms price at the same time.`,
    `Consumers split one unit of demand between the firms and an outside good by the logit rule: firm i sells q_i = exp((a_i − p_i)/μ) / (Σ_j exp((a_j − p_j)/μ) + exp(a_0/μ)), so a lower price wins customers from the others.`,
    `Qualities a_i: ${listOf(config.qualities)}; outside good a_0 = ${fmt(config.outsideQuality)}; μ = ${fmt(config.mu)}; unit costs c_i: ${listOf(config.costs)}. All of these are known to every firm.`,
    `Your profit in a period is (your price − your cost) × your sales; your payoff is the sum of your profits over all periods.`,
    config.grid === null
      ? `You may set any price in the range your controls show${config.range ? ` (${fmt(config.range.low)} to ${fmt(config.range.high)})` : ''}.`
      : `You choose among ${config.grid} evenly spaced prices${config.range ? ` from ${fmt(config.range.low)} to ${fmt(config.range.high)}` : ''}, shown in your controls.`,
    config.periodMs === null
      ? 'A period closes when every firm has set its price.'
      : `A period closes when every firm has set its price, or after ${fmt(config.periodMs / 1000, 1)} seconds: a firm that has not priced by then keeps last period's price (in period 1 the price nearest the one-shot equilibrium price).`,
    config.reveal === 'allPrices' ? 'After each period every firm sees all firms’ prices, and its own sales and profit.' : 'After each period each firm sees only its own price, sales and profit, never the other firms’ prices.',
  ];
  return lines.join('\n');
}

const listOf = (v: number | readonly number[]): string => (typeof v === 'number' ? `${fmt(v)} for every firm` : v.map((x) => fmt(x)).join(', '));

export const bertrand: Mechanism<BertrandConfig, BertrandState, BertrandAction, FirmView, MarketPublicView> = {
  id: 'bertrand',
  version: 1,
  title: 'Repeated Bertrand competition (logit demand)',
  traits: { timing: 'simultaneous', utility: 'general', chance: false, private: [] },
  rules,
  configSchema: bertrandConfigSchema,
  actionSchema: bertrandActionSchema,
  measures: BERTRAND_MEASURES,
  roundFields: REPEATED_MARKET_ROUND_FIELDS,
  policies: [],
  /** Honest play: each firm at its Nash price (the benchmark policy), what the indicators' null replays play. */
  baseline: { policy: 'benchmark', params: { benchmark: 'nash_price' } },

  seats(config) {
    const { min, max } = bertrandSeats(config);
    return { min, max, roles: (n) => new Array<string>(n).fill('firm') };
  },

  setup: (config, seats) => engine.setup(config, seats),
  legal: engine.legal,
  apply: engine.apply,
  advance: engine.advance,
  view: (state, seat) => firmView(state, seat, modelOf(state)),
  publicView: publicMarketView,
  describe: describeFirm,
  progress: (state) => engine.progress(state, 'pricing'),

  outcome(state) {
    const model = modelOf(state);
    const w = windowMeans(state, engine.windowPeriods(state));
    return engine.outcome(state, { mean_price: w.price, mean_profit: w.profit, profit_gain: gainOf(w.profit, mean(model.nash.profits), mean(model.monopoly.profits)) });
  },

  benchmarks(config, seats) {
    const model = engine.derivedOf(config, seats).model;
    const { nash, monopoly } = model;
    const of = (value: number, unit: string, definition: string): Benchmark => ({ value, unit, definition, audience: 'public' });
    const out: Record<string, Benchmark> = {
      nash_price: of(mean(nash.prices), 'money', 'one-shot Bertrand–Nash price, mean over firms (each firm best-responds to the others; solved to 1e-10)'),
      nash_profit: of(mean(nash.profits), 'money per period', 'profit per firm and period at the Bertrand–Nash prices, mean over firms'),
      monopoly_price: of(mean(monopoly.prices), 'money', 'price that maximises the firms’ joint profit (a common markup over costs), mean over firms'),
      monopoly_profit: of(mean(monopoly.profits), 'money per period', 'profit per firm and period at the joint-profit-maximising prices, mean over firms'),
    };
    if (!model.symmetric) {
      for (let i = 0; i < seats; i++) {
        out[`nash_price_p${i}`] = of(nash.prices[i] as number, 'money', `firm p${i}’s one-shot Bertrand–Nash price`);
        out[`nash_profit_p${i}`] = of(nash.profits[i] as number, 'money per period', `firm p${i}’s profit per period at the Bertrand–Nash prices`);
        out[`monopoly_price_p${i}`] = of(monopoly.prices[i] as number, 'money', `firm p${i}’s price at the joint-profit maximum`);
        out[`monopoly_profit_p${i}`] = of(monopoly.profits[i] as number, 'money per period', `firm p${i}’s profit per period at the joint-profit maximum`);
      }
    }
    return out;
  },

  payoffBounds: (config, seats) => engine.payoffBounds(config, seats),

  oneRound(config) {
    return { ...config, periods: 1 };
  },
};

export default bertrand;
