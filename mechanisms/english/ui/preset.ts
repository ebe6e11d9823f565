/** The console preset of the English clock auction: one item per round, the clock rising by 5 a second, drop-outs shown. */
import type { MechanismPreset } from '../../../client/src/console/preset.ts';

const preset: MechanismPreset = {
  label: 'English auction (ascending clock)',
  order: 3.1,
  defaults: { humans: 1, bots: 3, botPolicy: 'value-dropper', rounds: 5, roundSeconds: 1 },
  roundWord: 'round',
  // roundMs is the clock's tick here: a round (an item) lasts as many ticks as the price takes to pass the values.
  config: (_seats, rounds, roundMs) => ({ rounds, tickMs: roundMs, increment: 5, values: { kind: 'uniformInt', low: 0, high: 100 }, showActive: true, showDropouts: true, identities: true, communication: { channels: [] } }),
};

export default preset;
