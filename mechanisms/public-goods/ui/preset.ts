/** The console's public goods game: MPCR 0.5, individual contributions revealed, every chat channel. */
import type { MechanismPreset } from '../../../client/src/console/preset.ts';

const preset: MechanismPreset = {
  label: 'Public goods game',
  order: 4,
  defaults: { humans: 2, bots: 2, botPolicy: 'conditional-cooperator', rounds: 10, roundSeconds: 45 },
  roundWord: 'round',
  config: (_seats, rounds, roundMs) => ({ rounds, roundMs, endowment: 20, mpcr: 0.5, reveal: 'individual', communication: { channels: ['public', 'private', 'coalition'] } }),
};

export default preset;
