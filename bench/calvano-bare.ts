/**
 * The baseline the engine's repeated-pricing runs are measured against: one session of
 * Calvano, Calzolari, Denicolò and Pastorello (2020) as a bare loop over typed arrays.
 *
 * n firms repeatedly set prices on a grid of m points (mechanisms/bertrand/theory.ts). The state is
 * last period's prices of all firms (memory one: m^n states). Each firm keeps a
 * Q-table Q_i(s, a) initialised to the discounted profit against rivals who price
 * uniformly at random, and in period t explores (a uniformly random price) with
 * probability ε_t = e^(−βt), else plays its greedy price argmax_a Q_i(s, a). After the
 * period it updates Q_i(s, a_i) += α(π_i + δ max_a' Q_i(s', a') − Q_i(s, a_i)).
 * A session has converged when no firm's greedy price at any state has changed for
 * `stableFor` consecutive periods, and stops at `maxPeriods` otherwise. The outcome is
 * the limit cycle that the greedy strategies reach from the last observed prices, and
 * its average profit as a profit gain Δ.
 *
 * Where the paper leaves a detail open this follows the authors' replication code:
 * the greedy price is cached per state and the row is rescanned only when the cached
 * maximum falls; ε is multiplied by e^(−β) after each period (ε = 1 in period 1); each
 * firm draws one uniform to decide whether to explore and a second for the price when it
 * does. Unlike that code, ties in a row go to the lowest price rather than a random one
 * (they do not occur after the first updates), each firm has its own pure-rand stream
 * (as a seat would in the engine), and the cycle is followed from the last observed
 * prices rather than from the state one period earlier.
 *
 * Run directly: `node bench/calvano-bare.ts --sessions 4 --seed 1 [--firms 2] [--beta 4e-6]`.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { deriveSeed } from '../mechanisms/core/random.ts';
import { bertrandNash, jointProfitMaximum, logitProfits, priceGrid, profitGain, type LogitMarket } from '../mechanisms/bertrand/theory.ts';

export interface CalvanoOptions {
  /** Firms. */
  readonly n: number;
  /** Prices on the grid. */
  readonly m: number;
  /** How far the grid reaches beyond the Nash and monopoly prices, as a share of their gap. */
  readonly xi: number;
  /** Learning rate. */
  readonly alpha: number;
  /** Exploration decay: ε_t = e^(−βt). */
  readonly beta: number;
  /** Discount factor. */
  readonly delta: number;
  readonly mu: number;
  /** Every firm's quality a_i. */
  readonly a: number;
  /** Outside good a_0. */
  readonly a0: number;
  /** Every firm's marginal cost c_i. */
  readonly c: number;
  readonly seed: number;
  /** Periods after which a session that has not converged stops. */
  readonly maxPeriods: number;
  /** Consecutive periods without a change of any greedy price that count as convergence. */
  readonly stableFor: number;
}

/** The paper's baseline (its Section III): two firms, α = 0.15, β = 4×10⁻⁶, δ = 0.95. */
export const CALVANO_BASELINE: CalvanoOptions = {
  n: 2,
  m: 15,
  xi: 0.1,
  alpha: 0.15,
  beta: 4e-6,
  delta: 0.95,
  mu: 0.25,
  a: 2,
  a0: 0,
  c: 1,
  seed: 1,
  maxPeriods: 1e9,
  stableFor: 100_000,
};

export interface CalvanoSession {
  readonly converged: boolean;
  /** Periods simulated. */
  readonly periods: number;
  /** The period of the last change of a greedy price (periods − stableFor when converged). */
  readonly lastChange: number;
  /** Per firm, its prices along the limit cycle. */
  readonly cyclePrices: number[][];
  /** Per firm, its profits along the limit cycle. */
  readonly cycleProfits: number[][];
  readonly cycleLength: number;
  /** Profit gain of the cycle's average profit, averaged over firms. */
  readonly delta: number;
  readonly nashPrice: number;
  readonly monopolyPrice: number;
  readonly nashProfit: number;
  readonly monopolyProfit: number;
  /** The states (joint actions) of the limit cycle, in the order played. */
  readonly cycleStates: number[];
  /** The price grid, the same for every firm. */
  readonly grid: Float64Array;
  /** Greedy price index of firm i in state s at [i · m^n + s], as learned. */
  readonly strategies: Int32Array;
  /** The options the session ran with, defaults filled in. */
  readonly options: CalvanoOptions;
}

const TWO_TO_32 = 4294967296;

export function runCalvanoBare(options: Partial<CalvanoOptions> = {}): CalvanoSession {
  const o: CalvanoOptions = { ...CALVANO_BASELINE, ...options };
  const { n, m, delta } = o;
  const market = marketOf(o);
  const nash = bertrandNash(market);
  const monopoly = jointProfitMaximum(market);
  const nashPrice = nash.prices[0] ?? Number.NaN;
  const monopolyPrice = monopoly.prices[0] ?? Number.NaN;
  const grid = priceGrid(nashPrice, monopolyPrice, m, o.xi);

  // Joint actions are numbered with firm 0 as the most significant digit; with
  // memory one a state is the joint action of the period before.
  const states = m ** n;
  const place = new Int32Array(n);
  for (let i = 0; i < n; i++) place[i] = m ** (n - 1 - i);
  const profit = profitTable(market, grid, n, m, states, place);

  const q = new Float64Array(n * states * m);
  const best = new Float64Array(n * states);
  const greedy = new Int32Array(n * states);
  initialiseQ(q, best, greedy, profit, n, m, states, place, delta);

  const rngs: RandomGenerator[] = [];
  for (let i = 0; i < n; i++) rngs.push(xoroshiro128plus(deriveSeed(o.seed, i + 1)));
  let state = 0;
  for (let i = 0; i < n; i++) state += Math.floor((((rngs[i] as RandomGenerator).next() >>> 0) / TWO_TO_32) * m) * (place[i] as number);

  const { periods: t, stable, lastChange, state: finalState } = learn(q, best, greedy, profit, place, rngs, state, n, m, states, o);

  const cycle = limitCycle(greedy, finalState, n, states, place);
  const cyclePrices: number[][] = [];
  const cycleProfits: number[][] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const prices: number[] = [];
    const profits: number[] = [];
    for (const s of cycle) {
      prices.push(grid[Math.floor(s / (place[i] as number)) % m] as number);
      const p = profit[s * n + i] as number;
      profits.push(p);
      total += p;
    }
    cyclePrices.push(prices);
    cycleProfits.push(profits);
  }
  const nashProfit = nash.profits[0] ?? Number.NaN;
  const monopolyProfit = monopoly.profits[0] ?? Number.NaN;
  return {
    converged: stable >= o.stableFor,
    periods: t,
    lastChange,
    cyclePrices,
    cycleProfits,
    cycleLength: cycle.length,
    delta: profitGain(total / (n * cycle.length), nashProfit, monopolyProfit),
    nashPrice,
    monopolyPrice,
    nashProfit,
    monopolyProfit,
    cycleStates: cycle,
    grid,
    strategies: greedy,
    options: o,
  };
}

export interface ImpulseResponse {
  /** Mean price of the deviating firm: [0] before the shock, [1] the deviation, [2…] after. */
  readonly deviating: number[];
  /** Mean price of the other firms, on the same periods. */
  readonly others: number[];
}

/**
 * The paper's impulse response: from each state of the limit cycle, one firm deviates
 * for one period to its static best response (on the grid) to the prices the others
 * play in that period, and from then on every firm follows its learned greedy strategy.
 * Prices are averaged over the cycle's states and over which firm deviates.
 *
 * The replication code takes the best response against the others' greedy prices in the
 * state numbered by the cycle position (state 1 for the first cycle state) rather than in
 * the pre-shock state, which makes its deviation deeper (about 1.50 instead of 1.61 in
 * the baseline); this function answers the rivals actually faced.
 */
export function impulseResponse(session: CalvanoSession, horizon = 15): ImpulseResponse {
  const { n, m } = session.options;
  const market = marketOf(session.options);
  const states = m ** n;
  const place = new Int32Array(n);
  for (let i = 0; i < n; i++) place[i] = m ** (n - 1 - i);
  const greedy = session.strategies;
  const grid = session.grid;
  const priceOf = (s: number, i: number) => grid[Math.floor(s / (place[i] as number)) % m] as number;
  const deviating = new Array<number>(horizon + 1).fill(0);
  const others = new Array<number>(horizon + 1).fill(0);
  const cycle = session.cycleStates;
  for (const pre of cycle) {
    for (let dev = 0; dev < n; dev++) {
      const planned = new Array<number>(n);
      for (let i = 0; i < n; i++) planned[i] = greedy[i * states + pre] as number;
      let bestPrice = 0;
      let bestProfit = -Infinity;
      for (let k = 0; k < m; k++) {
        const prices = planned.map((a, i) => (i === dev ? (grid[k] as number) : (grid[a] as number)));
        const own = logitProfits(market, prices)[dev] as number;
        if (own > bestProfit) {
          bestProfit = own;
          bestPrice = k;
        }
      }
      planned[dev] = bestPrice;
      let s = planned.reduce((acc, a, i) => acc + a * (place[i] as number), 0);
      const record = (tau: number, state: number) => {
        deviating[tau] = (deviating[tau] as number) + priceOf(state, dev);
        for (let i = 0; i < n; i++) if (i !== dev) others[tau] = (others[tau] as number) + priceOf(state, i) / (n - 1);
      };
      record(0, pre);
      for (let tau = 1; tau <= horizon; tau++) {
        record(tau, s);
        let next = 0;
        for (let i = 0; i < n; i++) next += (greedy[i * states + s] as number) * (place[i] as number);
        s = next;
      }
    }
  }
  const runs = cycle.length * n;
  return { deviating: deviating.map((x) => x / runs), others: others.map((x) => x / runs) };
}

function marketOf(o: CalvanoOptions): LogitMarket {
  return { a: Array<number>(o.n).fill(o.a), c: Array<number>(o.n).fill(o.c), a0: o.a0, mu: o.mu };
}

interface Learned {
  readonly periods: number;
  readonly stable: number;
  readonly lastChange: number;
  /** The last observed joint action. */
  readonly state: number;
}

/** The learning periods, in a function of their own so that the optimiser compiles them whole. */
function learn(
  q: Float64Array,
  best: Float64Array,
  greedy: Int32Array,
  profit: Float64Array,
  place: Int32Array,
  rngs: readonly RandomGenerator[],
  start: number,
  n: number,
  m: number,
  states: number,
  o: CalvanoOptions,
): Learned {
  let state = start;
  // ε is kept as a threshold on a 32-bit draw, decayed by e^(−β) each period.
  const decay = Math.exp(-o.beta);
  let threshold = TWO_TO_32;
  let stable = 0;
  let t = 0;
  let lastChange = 0;
  const { alpha, delta, maxPeriods, stableFor } = o;
  const action = new Int32Array(n);
  while (t < maxPeriods && stable < stableFor) {
    t++;
    let next = 0;
    for (let i = 0; i < n; i++) {
      const rng = rngs[i] as RandomGenerator;
      const ai = (rng.next() >>> 0) < threshold ? Math.floor(((rng.next() >>> 0) / TWO_TO_32) * m) : (greedy[i * states + state] as number);
      action[i] = ai;
      next += ai * (place[i] as number);
    }
    // Clamped so that a long session never computes with denormals (exploration is nil by then).
    threshold = threshold > 1e-6 ? threshold * decay : 0;
    let changed = false;
    for (let i = 0; i < n; i++) {
      const ai = action[i] as number;
      const row = i * states + state;
      const cell = row * m + ai;
      const old = q[cell] as number;
      const updated = old + alpha * ((profit[next * n + i] as number) + delta * (best[i * states + next] as number) - old);
      q[cell] = updated;
      const top = best[row] as number;
      if (updated > top) {
        best[row] = updated;
        if (greedy[row] !== ai) {
          greedy[row] = ai;
          changed = true;
        }
      } else if (updated < top && greedy[row] === ai) {
        const base = row * m;
        let arg = 0;
        let max = q[base] as number;
        for (let k = 1; k < m; k++) {
          const v = q[base + k] as number;
          if (v > max) {
            max = v;
            arg = k;
          }
        }
        best[row] = max;
        if (arg !== ai) {
          greedy[row] = arg;
          changed = true;
        }
      }
    }
    if (changed) {
      stable = 0;
      lastChange = t;
    } else stable++;
    state = next;
  }
  return { periods: t, stable, lastChange, state };
}

/** profit[s · n + i]: firm i's profit when the joint action is s. */
function profitTable(market: LogitMarket, grid: Float64Array, n: number, m: number, states: number, place: Int32Array): Float64Array {
  const table = new Float64Array(states * n);
  const prices = new Array<number>(n);
  for (let s = 0; s < states; s++) {
    for (let i = 0; i < n; i++) prices[i] = grid[Math.floor(s / (place[i] as number)) % m] as number;
    const profits = logitProfits(market, prices);
    for (let i = 0; i < n; i++) table[s * n + i] = profits[i] as number;
  }
  return table;
}

/**
 * Q₀_i(s, a) = Σ_{a₋ᵢ} π_i(a, a₋ᵢ) / ((1 − δ) m^(n−1)): the value of pricing a forever
 * against rivals who randomise uniformly, the same in every state.
 */
function initialiseQ(
  q: Float64Array,
  best: Float64Array,
  greedy: Int32Array,
  profit: Float64Array,
  n: number,
  m: number,
  states: number,
  place: Int32Array,
  delta: number,
): void {
  const value = new Float64Array(n * m);
  for (let s = 0; s < states; s++) {
    for (let i = 0; i < n; i++) {
      const own = Math.floor(s / (place[i] as number)) % m;
      value[i * m + own] = (value[i * m + own] as number) + (profit[s * n + i] as number);
    }
  }
  const scale = 1 / ((1 - delta) * m ** (n - 1));
  for (let i = 0; i < n; i++) {
    let arg = 0;
    for (let k = 0; k < m; k++) {
      value[i * m + k] = (value[i * m + k] as number) * scale;
      if ((value[i * m + k] as number) > (value[i * m + arg] as number)) arg = k;
    }
    for (let s = 0; s < states; s++) {
      q.set(value.subarray(i * m, (i + 1) * m), (i * states + s) * m);
      best[i * states + s] = value[i * m + arg] as number;
      greedy[i * states + s] = arg;
    }
  }
}

/** The states of the cycle that greedy play reaches from `start`, in the order played. */
function limitCycle(greedy: Int32Array, start: number, n: number, states: number, place: Int32Array): number[] {
  const seenAt = new Int32Array(states).fill(-1);
  const path: number[] = [];
  let s = start;
  while ((seenAt[s] as number) < 0) {
    seenAt[s] = path.length;
    path.push(s);
    let next = 0;
    for (let i = 0; i < n; i++) next += (greedy[i * states + s] as number) * (place[i] as number);
    s = next;
  }
  return path.slice(seenAt[s] as number);
}

function parseArgs(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k] as string;
    if (arg.startsWith('--')) {
      const value = argv[k + 1];
      if (value === undefined || value.startsWith('--')) out[arg.slice(2)] = 'true';
      else {
        out[arg.slice(2)] = value;
        k++;
      }
    }
  }
  return out;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const num = (key: string, fallback: number): number => {
    const raw = args[key];
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (!Number.isFinite(v)) throw new Error(`--${key} must be a number, got ${raw}`);
    return v;
  };
  const sessions = num('sessions', 4);
  const seed = num('seed', 1);
  const base: Partial<CalvanoOptions> = {
    n: num('firms', CALVANO_BASELINE.n),
    beta: num('beta', CALVANO_BASELINE.beta),
    alpha: num('alpha', CALVANO_BASELINE.alpha),
    delta: num('delta', CALVANO_BASELINE.delta),
    m: num('m', CALVANO_BASELINE.m),
    maxPeriods: num('max-periods', CALVANO_BASELINE.maxPeriods),
    stableFor: num('stable-for', CALVANO_BASELINE.stableFor),
  };
  const fmt = (x: number, d = 3) => x.toFixed(d);
  const deltas: number[] = [];
  const periods: number[] = [];
  let converged = 0;
  let firmPeriods = 0;
  let seconds = 0;
  const horizon = 10;
  const deviating = new Array<number>(horizon + 1).fill(0);
  const others = new Array<number>(horizon + 1).fill(0);
  for (let k = 0; k < sessions; k++) {
    const started = performance.now();
    const r = runCalvanoBare({ ...base, seed: deriveSeed(seed, k) });
    const secs = (performance.now() - started) / 1000;
    if (k === 0) {
      console.log(`n=${base.n} p^N=${fmt(r.nashPrice, 5)} p^M=${fmt(r.monopolyPrice, 5)} π^N=${fmt(r.nashProfit, 5)} π^M=${fmt(r.monopolyProfit, 5)}`);
    }
    const prices = r.cyclePrices.map((ps) => ps.map((p) => fmt(p)).join('→')).join(' | ');
    console.log(
      `session ${k}: Δ=${fmt(r.delta)} ${r.converged ? 'converged' : 'NOT converged'} cycle=${r.cycleLength} prices ${prices} ` +
        `periods=${r.periods} lastChange=${r.lastChange} ${fmt(secs, 2)}s ${fmt((secs * 1e9) / (r.periods * (base.n as number)), 1)} ns/firm-period`,
    );
    deltas.push(r.delta);
    periods.push(r.lastChange);
    if (r.converged) converged++;
    firmPeriods += r.periods * (base.n as number);
    const ir = impulseResponse(r, horizon);
    ir.deviating.forEach((p, tau) => (deviating[tau] = (deviating[tau] as number) + p / sessions));
    ir.others.forEach((p, tau) => (others[tau] = (others[tau] as number) + p / sessions));
    seconds += secs;
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));
  console.log(
    `mean Δ=${fmt(mean(deltas))} (sd ${fmt(sd(deltas))}, ${sessions} sessions), converged ${converged}/${sessions}, ` +
      `mean periods to last change ${Math.round(mean(periods))}, ${fmt((seconds * 1e9) / firmPeriods, 1)} ns/firm-period`,
  );
  console.log(`impulse response to a one-period deviation to the static best response (τ = 0 before it, 1 the deviation):`);
  console.log(`  deviating firm: ${deviating.map((p) => fmt(p)).join(' ')}`);
  console.log(`  other firms:    ${others.map((p) => fmt(p)).join(' ')}`);
}

if (import.meta.main) main();
