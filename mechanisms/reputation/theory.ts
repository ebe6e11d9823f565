/**
 * The Klein–Leffler benchmark of a reputation market. A seller that sells q units a round at
 * price p and is trusted as long as it has never sold low quality earns (p − c_H)·q a round
 * for ever; milking once earns (p − c_L)·q and then nothing (buyers expect low quality, whose
 * value is below the price). With interest r a round (discount δ = 1/(1 + r)) honesty pays
 * when (p − c_H)·(1 + r)/r ≥ p − c_L, that is when the price premium p − c_H is at least
 * r·(c_H − c_L): the quality-assuring price is c_H + r·(c_H − c_L) (Klein and Leffler 1981;
 * Shapiro 1983). In one round, or without ratings, low quality saves c_H − c_L a unit and
 * loses no sales: sellers choose it (Akerlof 1970).
 */
import type { ReputationConfig } from './config.ts';

/** The price premium over the high-quality cost that makes honesty pay: r·(c_H − c_L). */
export const qualityPremium = (config: Pick<ReputationConfig, 'interest' | 'costs'>): number => config.interest * (config.costs.high - config.costs.low);

/** The least price at which a trusted seller gains nothing from milking its reputation. */
export const qualityAssuringPrice = (config: Pick<ReputationConfig, 'interest' | 'costs'>): number => config.costs.high + qualityPremium(config);

/**
 * What a seller gains, in money of the milking round, by selling low quality once instead of
 * high at price p with q units a round and `after` more rounds of trusted sales that milking
 * loses: (c_H − c_L)·q − Σ_{t=1..after} δ^t·(p − c_H)·q. Positive: milking pays.
 */
export function milkingGain(config: Pick<ReputationConfig, 'interest' | 'costs'>, price: number, units: number, after: number): number {
  const delta = 1 / (1 + config.interest);
  let lost = 0;
  for (let t = 1; t <= after; t++) lost += delta ** t * (price - config.costs.high) * units;
  return (config.costs.high - config.costs.low) * units - lost;
}

/** The present value at round 1 of a stream of per-round payoffs, at interest r a round. */
export const presentValue = (payoffs: readonly number[], interest: number): number => payoffs.reduce((s, x, t) => s + x / (1 + interest) ** t, 0);
