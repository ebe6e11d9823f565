import type { GoldenCase } from '../../core/golden.ts';

export const goldenCases: GoldenCase[] = [
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
];
