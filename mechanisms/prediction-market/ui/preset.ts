/** The console's prediction market: a yes/no event, signals right 70% of the time, people trading beside Bayesian and noise traders. */
import type { MechanismPreset } from '../../../client/src/console/preset.ts';

const preset: MechanismPreset = {
  label: 'Prediction market (LMSR)',
  order: 7,
  defaults: { humans: 2, bots: 3, botPolicy: 'bayesian', rounds: 3, roundSeconds: 120 },
  roundWord: 'period',
  config: (_seats, rounds, roundMs) => ({ outcomes: ['yes', 'no'], signal: { kind: 'symmetric', accuracy: 0.7 }, liquidity: 10, budget: 100, markets: rounds, marketMs: roundMs, communication: { channels: ['public'] } }),
};

export default preset;
