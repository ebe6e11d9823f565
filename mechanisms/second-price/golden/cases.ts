import type { GoldenCase } from '../../core/golden.ts';

export const goldenCases: GoldenCase[] = [
  { name: 'three-bidders-reserve', config: { rounds: 3, reveal: 'allBids', reserve: 30 }, seats: 3, seed: 12 },
  { name: 'lowest-seat-ties', config: { rounds: 4, values: { kind: 'discrete', values: [10, 20] }, bidStep: 10, tieBreak: 'lowestSeat', reveal: 'allBids' }, seats: 4, seed: 8 },
  { name: 'deadlines-and-passes', config: { rounds: 2, roundMs: 2000, reveal: 'nothing' }, seats: 5, seed: 4, passRate: 0.6 },
];
