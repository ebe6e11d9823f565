/** The console's matching market: school choice under the Boston mechanism, one person among strategic and truthful students. */
import type { MechanismPreset } from '../../../client/src/console/preset.ts';

const preset: MechanismPreset = {
  label: 'School choice (matching)',
  order: 7,
  defaults: { humans: 1, bots: 4, botPolicy: 'truthful-ranker', rounds: 5, roundSeconds: 60 },
  roundWord: 'round',
  config: (seats, rounds, roundMs) => ({
    schools: [
      { name: 'North', capacity: Math.max(1, Math.floor(seats / 3)) },
      { name: 'Central', capacity: Math.max(1, Math.floor(seats / 3)) },
      { name: 'South', capacity: Math.max(1, seats - 2 * Math.max(1, Math.floor(seats / 3))) },
    ],
    rule: 'boston',
    rounds,
    roundMs,
    correlation: 0.6,
    reveal: 'matching',
    communication: { channels: ['public'] },
  }),
};

export default preset;
