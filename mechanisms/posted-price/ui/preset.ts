/** The console's posted-price market: a person sets the price for simulated buyers and two bot buyers. */
import type { MechanismPreset } from '../../../client/src/console/preset.ts';

const preset: MechanismPreset = {
  label: 'Posted-price market',
  order: 6,
  defaults: { humans: 1, bots: 2, botPolicy: 'truthful-buyer', rounds: 10, roundSeconds: 30 },
  roundWord: 'round',
  config: (_seats, rounds, roundMs) => ({ rounds, postMs: roundMs, buyMs: roundMs, simulatedBuyers: 20, reveal: 'sales', communication: { channels: ['public'] } }),
};

export default preset;
