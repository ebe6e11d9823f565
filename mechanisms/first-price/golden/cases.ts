import type { GoldenCase } from '../../core/golden.ts';

export const goldenCases: GoldenCase[] = [
  { name: 'three-bidders-all-bids', config: { rounds: 3, reveal: 'allBids', reserve: 20 }, seats: 3, seed: 11 },
  { name: 'ties-on-a-grid', config: { rounds: 4, values: { kind: 'uniformInt', low: 0, high: 4 }, bidStep: 1, tieBreak: 'random', reveal: 'winner' }, seats: 4, seed: 5 },
  { name: 'deadlines-and-passes', config: { rounds: 3, roundMs: 5000, freshValues: false, reveal: 'winningPrice' }, seats: 3, seed: 3, passRate: 0.5 },
];
