/**
 * The console's classroom market: half the seats buyers, half sellers, three units each,
 * or a schedule given row by row (Smith's symmetric one among the ready-made economies),
 * previewed as supply and demand steps with their competitive equilibrium.
 */
import type { EconomicsPreset, MechanismPreset, SchedulePreview } from '../../../client/src/console/preset.ts';
import { equilibrium } from '../equilibrium.ts';

const half = (n: number) => Math.ceil(n / 2);

/** Traders on a side: a count, or one row of units per trader. */
const tradersOf = (side: unknown): number | null => (typeof side === 'number' ? side : Array.isArray(side) ? side.length : null);
const rowsOf = (side: unknown): number[][] | null => (Array.isArray(side) && side.every((r) => Array.isArray(r) && r.every((x) => typeof x === 'number')) ? (side as number[][]) : null);

/** n one-unit traders whose units run from `from` in steps of `step`. */
const ladder = (n: number, from: number, step: number): number[][] => Array.from({ length: n }, (_, i) => [from + i * step]);

const economics: readonly EconomicsPreset[] = [
  {
    label: 'Smith (1962), symmetric',
    description: '11 buyers and 11 sellers, one unit each; values 325 down to 75 and costs 75 up to 325 in steps of 25. Equilibrium: price 200, 6 units.',
    config: () => ({ buyers: ladder(11, 325, -25), sellers: ladder(11, 75, 25), minPrice: 0, maxPrice: 400 }),
  },
  {
    label: 'Symmetric, 10 buyers and 10 sellers',
    description: 'One unit each; values 200 down to 20 and costs 20 up to 200 in steps of 20. Equilibrium: prices 100 to 120, 5 units.',
    config: () => ({ buyers: ladder(10, 200, -20), sellers: ladder(10, 20, 20), minPrice: 0, maxPrice: 250 }),
  },
  {
    label: 'Drawn at random',
    description: 'Half the seats buyers, half sellers, three units each; values drawn from 60 to 160, costs from 40 to 140, afresh for each session.',
    config: (seats) => ({ buyers: half(seats), sellers: seats - half(seats), unitsPerTrader: 3, values: { kind: 'uniformInt', low: 60, high: 160 }, costs: { kind: 'uniformInt', low: 40, high: 140 }, maxPrice: 200 }),
  },
];

const preset: MechanismPreset = {
  label: 'Classroom market (continuous double auction)',
  order: 1,
  defaults: { humans: 2, bots: 4, botPolicy: 'zi-c', rounds: 3, roundSeconds: 120 },
  roundWord: 'period',
  config: (seats, rounds, roundMs) => ({
    buyers: half(seats),
    sellers: seats - half(seats),
    unitsPerTrader: 3,
    values: { kind: 'uniformInt', low: 60, high: 160 },
    costs: { kind: 'uniformInt', low: 40, high: 140 },
    periods: rounds,
    periodMs: roundMs,
    maxPrice: 200,
    revealSchedules: 'afterPeriod',
    communication: { channels: ['public'] },
  }),
  // Humans alternate buyer and seller while both sides have room; bots fill the rest of each side.
  roles: (humans, bots, config) => {
    const seats = humans + bots;
    let buyersLeft = (config && tradersOf(config.buyers)) ?? half(seats);
    let sellersLeft = seats - buyersLeft;
    const h = Array.from({ length: humans }, (_, i) => {
      const buyer = buyersLeft > 0 && (i % 2 === 0 || sellersLeft === 0);
      if (buyer) buyersLeft--;
      else sellersLeft--;
      return buyer ? 'buyer' : 'seller';
    });
    const b = Array.from({ length: bots }, () => (buyersLeft-- > 0 ? 'buyer' : 'seller'));
    return { humans: h, bots: b };
  },
  economics,
  seatsOf: (config) => {
    const buyers = tradersOf(config.buyers);
    const sellers = tradersOf(config.sellers);
    return Array.isArray(config.buyers) || Array.isArray(config.sellers) ? (buyers ?? 0) + (sellers ?? 0) : null;
  },
  preview: (config): SchedulePreview | null => {
    const buyers = rowsOf(config.buyers);
    const sellers = rowsOf(config.sellers);
    if (!buyers || !sellers) return null;
    const demand = buyers.flat().sort((a, b) => b - a);
    const supply = sellers.flat().sort((a, b) => a - b);
    return { demand, supply, ...equilibrium(demand, supply) };
  },
};

export default preset;
