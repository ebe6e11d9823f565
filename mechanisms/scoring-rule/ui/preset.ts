/** The console's forecasting game: binary questions paid by the quadratic (Brier) rule, two people and two calibrated bots. */
import type { MechanismPreset } from '../../../client/src/console/preset.ts';

const preset: MechanismPreset = {
  label: 'Forecasting with a scoring rule',
  order: 8,
  defaults: { humans: 2, bots: 2, botPolicy: 'calibrated', rounds: 10, roundSeconds: 30 },
  roundWord: 'round',
  config: (_seats, rounds, roundMs) => ({ rounds, roundMs, rule: 'quadratic', communication: { channels: ['public'] } }),
};

export default preset;
