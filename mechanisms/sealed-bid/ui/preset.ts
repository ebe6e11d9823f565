/** The console preset of a sealed-bid auction: first- and second-price differ here only in name and in the bots' usual policy. */
import type { MechanismPreset } from '../../../client/src/console/preset.ts';

export function sealedBidPreset(label: string, order: number, botPolicy: string): MechanismPreset {
  return {
    label,
    order,
    defaults: { humans: 1, bots: 3, botPolicy, rounds: 10, roundSeconds: 30 },
    roundWord: 'round',
    config: (_seats, rounds, roundMs) => ({ rounds, roundMs, values: { kind: 'uniformInt', low: 0, high: 100 }, bidStep: 1, reveal: 'allBids', communication: { channels: [] } }),
  };
}
