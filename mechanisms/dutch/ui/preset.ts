/** The console preset of the Dutch auction: one item per round, the clock falling from 100 by 5 a second. */
import type { MechanismPreset } from '../../../client/src/console/preset.ts';

const preset: MechanismPreset = {
  label: 'Dutch auction (descending clock)',
  order: 3.2,
  defaults: { humans: 1, bots: 3, botPolicy: 'dutch-shader', rounds: 5, roundSeconds: 1 },
  roundWord: 'round',
  // roundMs is the clock's tick here: a round (an item) lasts until someone stops the clock.
  config: (_seats, rounds, roundMs) => ({ rounds, tickMs: roundMs, decrement: 5, values: { kind: 'uniformInt', low: 0, high: 100 }, identities: true, communication: { channels: [] } }),
};

export default preset;
