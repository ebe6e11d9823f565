/** The console's Cournot market: a textbook linear-demand duopoly, a person choosing quantities against an EXP3 learner. */
import type { MechanismPreset } from '../../../client/src/console/preset.ts';

const preset: MechanismPreset = {
  label: 'Quantity competition (Cournot, linear demand)',
  order: 10,
  defaults: { humans: 1, bots: 1, botPolicy: 'exp3', rounds: 20, roundSeconds: 20 },
  roundWord: 'period',
  config: (_seats, rounds, roundMs) => ({ periods: rounds, periodMs: roundMs, communication: { channels: ['public'] } }),
};

export default preset;
