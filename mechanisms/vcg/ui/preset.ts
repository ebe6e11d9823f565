/** The console's VCG auction: two items with complementary values, one person against two truthful bidders, the allocation and payments shown. */
import type { MechanismPreset } from '../../../client/src/console/preset.ts';

const preset: MechanismPreset = {
  label: 'VCG combinatorial auction (two items)',
  order: 9,
  defaults: { humans: 1, bots: 2, botPolicy: 'bundle-truthful', rounds: 5, roundSeconds: 60 },
  roundWord: 'round',
  config: (_seats, rounds, roundMs) => ({ items: ['A', 'B'], valuations: { family: 'complements', item: { kind: 'uniformInt', low: 0, high: 50 }, synergy: 20 }, rounds, roundMs, bidStep: 1, reveal: 'allocation', communication: { channels: [] } }),
};

export default preset;
