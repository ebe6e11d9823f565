/**
 * Scoring rules (Brier 1950; Good 1952; Gneiting and Raftery 2007, "Strictly Proper Scoring
 * Rules, Prediction, and Estimation", JASA 102(477):359–378): the score of a reported
 * distribution p when answer y is true. The quadratic, logarithmic and spherical rules are
 * strictly proper: reporting one's belief maximises the expected score. The accuracy-gap rule
 * (1[right] − |confidence − 1[right]|) is not: with belief q in the answer its expected score
 * q·c − (1 − q)·c = c(2q − 1) is linear in the confidence c, so anyone more likely right than
 * wrong gains by claiming certainty.
 */
import type { ScoringRuleConfig } from './config.ts';

/** The score of distribution p (over the answers, in order) when answer `truth` is right. */
export function scoreOf(config: Pick<ScoringRuleConfig, 'rule' | 'logFloor'>, p: readonly number[], truth: number): number {
  const py = p[truth] ?? 0;
  switch (config.rule) {
    case 'quadratic': {
      let s = 0;
      p.forEach((x, k) => (s += (x - (k === truth ? 1 : 0)) ** 2));
      return 1 - s;
    }
    case 'logarithmic':
      return Math.log(Math.max(config.logFloor, py));
    case 'spherical': {
      const norm = Math.sqrt(p.reduce((s, x) => s + x * x, 0));
      return norm > 0 ? py / norm : 0;
    }
    case 'accuracy-gap':
      throw new Error('the accuracy-gap rule scores an answer and a confidence: use gapScore');
  }
}

/** The accuracy-gap rule: 1[right] − |confidence − 1[right]|. */
export const gapScore = (right: boolean, confidence: number): number => (right ? 1 - (1 - confidence) : -confidence);

/** The expected score of reporting p when one believes q. */
export function expectedScore(config: Pick<ScoringRuleConfig, 'rule' | 'logFloor'>, p: readonly number[], q: readonly number[]): number {
  return q.reduce((s, qy, y) => s + qy * scoreOf(config, p, y), 0);
}

/** The posterior of an agent of accuracy a who saw signal s among k answers (uniform prior). */
export const posterior = (a: number, s: number, k: number): number[] => Array.from({ length: k }, (_, i) => (i === s ? a : (1 - a) / (k - 1)));

/** Score bounds per task, for payoff bounds. */
export function scoreBounds(config: Pick<ScoringRuleConfig, 'rule' | 'logFloor'>): { min: number; max: number } {
  switch (config.rule) {
    case 'quadratic':
      return { min: -1, max: 1 };
    case 'logarithmic':
      return { min: Math.log(config.logFloor), max: 0 };
    case 'spherical':
      return { min: 0, max: 1 };
    case 'accuracy-gap':
      return { min: -1, max: 1 };
  }
}
