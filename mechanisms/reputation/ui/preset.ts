/** The console's reputation market: a person sells, choosing quality and price, to bot buyers who steer by ratings and to simulated buyers. */
import type { MechanismPreset } from '../../../client/src/console/preset.ts';

const preset: MechanismPreset = {
  label: 'Reputation market',
  order: 7,
  defaults: { humans: 1, bots: 3, botPolicy: 'rating-buyer', rounds: 12, roundSeconds: 30 },
  roundWord: 'round',
  config: (_seats, rounds, roundMs) => ({ rounds, sellers: 1, simulatedBuyers: 10, stageMs: roundMs, communication: { channels: ['public'] } }),
  roles: (humans, bots) => ({ humans: Array.from({ length: humans }, (_, i) => (i === 0 ? 'seller' : 'buyer')), bots: Array.from({ length: bots }, () => 'buyer') }),
};

export default preset;
