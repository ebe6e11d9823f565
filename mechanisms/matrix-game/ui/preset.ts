/** The console's matrix game: the prisoner's dilemma, one person against tit for tat, every action revealed. */
import type { MechanismPreset } from '../../../client/src/console/preset.ts';

const preset: MechanismPreset = {
  label: "Prisoner's dilemma (matrix game)",
  order: 5,
  defaults: { humans: 1, bots: 1, botPolicy: 'tit-for-tat', rounds: 10, roundSeconds: 30 },
  roundWord: 'round',
  config: (_seats, rounds, roundMs) => ({ game: 'prisoners-dilemma', rounds, roundMs, reveal: 'actions', communication: { channels: ['public', 'private'] } }),
};

export default preset;
