/**
 * Scoring rules against their theory (Brier 1950, "Verification of forecasts expressed in
 * terms of probability", Monthly Weather Review 78(1):1–3; Good 1952, "Rational Decisions",
 * JRSS B 14(1):107–114; Gneiting and Raftery 2007, "Strictly Proper Scoring Rules, Prediction,
 * and Estimation", JASA 102(477):359–378): under the quadratic, logarithmic and spherical rules
 * reporting one's belief maximises the expected score, strictly; the accuracy-gap rule's
 * expected score c(2q − 1) is linear in the confidence, so certainty pays. Through the engine:
 * calibrated forecasters are calibrated within sampling error and out-earn overconfident ones
 * under a proper rule, and earn less under the accuracy-gap rule; reputation sends the tasks to
 * the more accurate agents.
 */
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/temp.ts';
import { resolveStudy } from '../../studies/spec.ts';
import { runStudy, type EpisodeResult } from '../../studies/runner.ts';
import { openMatch } from '../core/match.ts';
import { Rng } from '../core/random.ts';
import { scoringRule, type PlayerView, type ScoringRuleState } from './index.ts';
import { expectedScore, gapScore } from './rules.ts';

function play(config: Record<string, unknown>, seats: { policy: string; params?: Record<string, unknown>; count?: number }[], seed = 3): EpisodeResult {
  const out: EpisodeResult[] = [];
  runStudy(resolveStudy({ name: 'scoring', mechanism: 'scoring-rule', config, seats: seats.map((s) => ({ count: 1, ...s })), episodes: 1, seed, output: { rounds: false } }), {
    out: `${tempDir('scoring')}/results`,
    exports: false,
    onEpisode: (e) => out.push(e),
  });
  return out[0] as EpisodeResult;
}

const simplex = (rng: Rng, k: number): number[] => {
  const x = Array.from({ length: k }, () => -Math.log(1 - rng.float()));
  const s = x.reduce((a, b) => a + b, 0);
  return x.map((v) => v / s);
};

describe('properness', () => {
  for (const rule of ['quadratic', 'logarithmic', 'spherical'] as const) {
    it(`${rule}: over 300 beliefs and 50 other reports each, reporting the belief scores strictly best in expectation`, () => {
      const rng = new Rng(7);
      const config = { rule, logFloor: 1e-9 };
      for (let t = 0; t < 300; t++) {
        const k = 2 + (t % 3);
        const q = simplex(rng, k);
        const truthful = expectedScore(config, q, q);
        for (let j = 0; j < 50; j++) expect(expectedScore(config, simplex(rng, k), q)).toBeLessThan(truthful);
      }
    });
  }

  it('accuracy-gap is not proper: with belief q in its answer the expected score is c(2q − 1), highest at certainty', () => {
    for (const q of [0.55, 0.7, 0.9]) {
      const at = (c: number) => q * gapScore(true, c) + (1 - q) * gapScore(false, c);
      expect(at(q)).toBeCloseTo(q * (2 * q - 1), 12);
      expect(at(1)).toBeCloseTo(2 * q - 1, 12);
      expect(at(1)).toBeGreaterThan(at(q));
    }
    expect(scoringRule.benchmarks(scoringRule.configSchema.parse({ report: 'confidence', rule: 'accuracy-gap' }), 2).proper?.value).toBe(0);
  });
});

describe('through the engine', () => {
  const mixed = [{ policy: 'calibrated', count: 3 }, { policy: 'overconfident', count: 3, params: { bias: 0.3 } }];

  it('calibrated forecasters are calibrated within sampling error; overconfident ones overshoot by about their bias', () => {
    const cal = play({ rounds: 4000, accuracy: { kind: 'uniform', low: 0.6, high: 0.8 } }, [{ policy: 'calibrated', count: 4 }]);
    // 16,000 reports, each right with probability ≈ 0.7: the hit rate's standard error is about 0.0036.
    expect(Math.abs(cal.measures.calibration_error as number)).toBeLessThan(0.015);
    const over = play({ rounds: 4000, accuracy: { kind: 'uniform', low: 0.6, high: 0.65 } }, [{ policy: 'overconfident', count: 4, params: { bias: 0.2 } }]);
    expect(over.measures.calibration_error as number).toBeGreaterThan(0.17);
    expect(over.measures.calibration_error as number).toBeLessThan(0.23);
  });

  it('under the quadratic rule the calibrated agents earn more than the overconfident; under accuracy-gap the reverse', () => {
    const seats = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
    const earned = (e: EpisodeResult, from: number, to: number) => seats.slice(from, to).reduce((s, p) => s + (e.payoffs[p] as number), 0);
    const proper = play({ rounds: 3000, accuracy: { kind: 'uniform', low: 0.6, high: 0.7 } }, mixed);
    expect(earned(proper, 0, 3)).toBeGreaterThan(earned(proper, 3, 6));
    const gap = play({ rounds: 3000, report: 'confidence', rule: 'accuracy-gap', accuracy: { kind: 'uniform', low: 0.6, high: 0.7 } }, mixed);
    expect(earned(gap, 3, 6)).toBeGreaterThan(earned(gap, 0, 3));
  });

  it('with tasks for the two of highest reputation, the tasks go to agents more accurate than the average', () => {
    const e = play({ rounds: 2000, assign: 'top', taskSize: 2, accuracy: { kind: 'uniform', low: 0.5, high: 0.95 } }, [{ policy: 'calibrated', count: 6 }]);
    const all = play({ rounds: 2000, accuracy: { kind: 'uniform', low: 0.5, high: 0.95 } }, [{ policy: 'calibrated', count: 6 }]);
    expect(e.measures.assigned_accuracy as number).toBeGreaterThan((all.measures.assigned_accuracy as number) + 0.05);
  });

  it('scores a missed report as the uniform distribution, shows an agent only its own signal and refuses a report that does not sum to 1', () => {
    const m = openMatch(scoringRule, { config: { rounds: 2, roundMs: 1000, answers: 3, rule: 'quadratic' }, seats: 2, seed: 4 });
    const v0 = m.view('p0') as PlayerView;
    expect(v0.signal).not.toBeNull();
    expect(JSON.stringify(m.publicView())).not.toContain('"signal"');
    expect(m.submit('p0', m.state.stateId, { type: 'forecast', probabilities: { a: 0.5, b: 0.2, c: 0.2 } }, 0).ok).toBe(false);
    m.tick(0);
    expect(m.submit('p0', m.state.stateId, { type: 'forecast', probabilities: { a: 1, b: 0, c: 0 } }, 10).ok).toBe(true);
    m.tick(1000);
    const s = m.state as unknown as ScoringRuleState;
    const task = s.recent[0];
    expect(task?.missed).toEqual([false, true]);
    // The uniform report over 3 answers scores 1 − (2/3)² − 2·(1/3)² = 1/3 whatever the truth.
    expect(task?.scores[1]).toBeCloseTo(1 / 3, 12);
    expect(m.outcome().measures.missed_share).toBe(0.5);
  });
});
