/** The console's classroom market: half the seats buyers, half sellers, three units each. */
import type { MechanismPreset } from '../../../client/src/console/preset.ts';

const half = (n: number) => Math.ceil(n / 2);

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
  // Humans alternate buyer and seller; bots fill each side up to half the seats.
  roles: (humans, bots) => {
    const seats = humans + bots;
    const h = Array.from({ length: humans }, (_, i) => (i % 2 === 0 ? 'buyer' : 'seller'));
    let buyersLeft = half(seats) - h.filter((r) => r === 'buyer').length;
    const b = Array.from({ length: bots }, () => (buyersLeft-- > 0 ? 'buyer' : 'seller'));
    return { humans: h, bots: b };
  },
};

export default preset;
