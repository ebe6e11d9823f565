import type { MechanismCases } from '../core/cases.ts';

export const cases: MechanismCases = {
  golden: [
    {
      name: 'explicit-schedule',
      config: { buyers: [[120, 100, 80], [110, 90]], sellers: [[40, 60], [50, 70, 90]], periods: 2, periodMs: 12_000, minPrice: 0, maxPrice: 150, tick: 5 },
      seats: 4,
      seed: 7,
    },
    {
      name: 'drawn-fresh-after-period',
      config: {
        buyers: 3,
        sellers: 2,
        unitsPerTrader: 2,
        values: { kind: 'uniform', low: 20, high: 100 },
        costs: { kind: 'uniformInt', low: 0, high: 80 },
        freshValues: true,
        periods: 2,
        periodMs: 10_000,
        maxPrice: 100,
        tick: 0.5,
        maxOpenOrdersPerTrader: 2,
        revealSchedules: 'afterPeriod',
      },
      seats: 5,
      seed: 21,
      passRate: 0.3,
    },
    {
      name: 'improvement-rule-clear-book',
      config: {
        buyers: [[200, 150], [180, 120]],
        sellers: [[50, 110], [80, 160]],
        periods: 2,
        periodMs: 15_000,
        maxPrice: 250,
        tick: 10,
        improvementRule: true,
        clearBookAfterTrade: true,
        allowLoss: true,
        showOrderOwners: true,
        showTradeParties: true,
      },
      seats: 4,
      seed: 3,
    },
  ],
  live: {
    seed: 5,
    // Explicit schedules with distinct fractional parts (powers of two in the fourth decimal):
    // no price, profit or sum of one seat's own profits can equal another seat's value.
    config: {
      buyers: [
        [173.0001, 151.0002],
        [165.0004, 140.0008],
      ],
      sellers: [
        [41.0016, 63.0032],
        [52.0064, 71.0128],
      ],
      periods: 2,
      periodMs: 400,
      maxPrice: 200,
      tick: 1,
      revealSchedules: 'never',
    },
    seats: [
      { kind: 'human', role: 'buyer' },
      { kind: 'human', role: 'seller' },
      { kind: 'bot', policy: 'zi-c', role: 'buyer' },
      { kind: 'bot', policy: 'zi-c', role: 'seller' },
    ],
    // Humans post one order per period far from the bots' prices.
    decide: (view) => (view.role === 'buyer' ? { type: 'placeOrder', side: 'bid', price: 1 } : { type: 'placeOrder', side: 'ask', price: 199 }),
    secrets: (events) => {
      const started = events.find((e) => e.kind === 'match_started');
      const config = (started?.data.config ?? {}) as { buyers: number[][]; sellers: number[][] };
      const header = started?.data as { seats: string[] };
      const schedules = [...config.buyers, ...config.sellers];
      return new Map(header.seats.map((seat, i) => [seat, schedules[i] ?? []]));
    },
  },
};
