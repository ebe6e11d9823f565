/** The console's Bertrand market: Calvano et al.'s duopoly, a person pricing against an EXP3 learner, prices revealed. */
import type { MechanismPreset } from '../../../client/src/console/preset.ts';

const preset: MechanismPreset = {
  label: 'Price competition (Bertrand, logit demand)',
  order: 9,
  defaults: { humans: 1, bots: 1, botPolicy: 'exp3', rounds: 20, roundSeconds: 20 },
  roundWord: 'period',
  config: (_seats, rounds, roundMs) => ({ periods: rounds, periodMs: roundMs, reveal: 'allPrices', communication: { channels: ['public'] } }),
};

export default preset;
