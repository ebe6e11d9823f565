/** The console's reporting game: four taxpayers (two people, two bots), audits at random with probability 0.3, a fine of twice the unpaid tax. */
import type { MechanismPreset } from '../../../client/src/console/preset.ts';

const preset: MechanismPreset = {
  label: 'Tax reporting with audits',
  order: 7,
  defaults: { humans: 2, bots: 2, botPolicy: 'risk-neutral', rounds: 8, roundSeconds: 30 },
  roundWord: 'round',
  config: (_seats, rounds, roundMs) => ({ rounds, roundMs, auditProbability: 0.3, fineMultiple: 2, reveal: 'audits', communication: { channels: ['public'] } }),
};

export default preset;
