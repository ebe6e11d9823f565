/**
 * Plays a public benchmark of the mechanism: every decision takes the legal value nearest
 * a named reference value the engine computes for the config (`nash_price`,
 * `monopoly_price`, a Cournot quantity...). It is the honest baseline of markets whose
 * theory names an equilibrium action (a Bertrand–Nash pricer) and, with a collusive
 * benchmark, a known cartel (a monopoly pricer). It reads only public benchmarks: ones
 * that reveal private draws (a schedule's equilibrium) are refused.
 */
import { z } from 'zod';
import type { LegalAction, ParamSpec } from '../../mechanisms/core/types.ts';
import type { Action, Observation, PolicyFactory } from '../policy.ts';
import { decision } from '../policy.ts';

/** The legal value of one parameter nearest `target`; null when the parameter is not a number or a numeric choice. */
export function nearestLegal(spec: ParamSpec, target: number): number | null {
  switch (spec.kind) {
    case 'number': {
      let x = Math.min(spec.max, Math.max(spec.min, target));
      if (spec.step) x = Math.min(spec.max, spec.min + Math.round((x - spec.min) / spec.step) * spec.step);
      return x;
    }
    case 'integer':
      return Math.min(spec.max, Math.max(spec.min, Math.round(target)));
    case 'choice': {
      let best: number | null = null;
      for (const o of spec.options) if (typeof o === 'number' && (best === null || Math.abs(o - target) < Math.abs(best - target))) best = o;
      return best;
    }
    default:
      return null;
  }
}

/** The first numeric parameter of a legal action (or the named one), with the action built around it. */
function actionAt(open: LegalAction, param: string | undefined, target: number): Action | null {
  const names = param ? [param] : Object.keys(open.params);
  for (const name of names) {
    const spec = open.params[name];
    if (!spec) continue;
    const value = nearestLegal(spec, target);
    if (value === null) continue;
    const action: Record<string, unknown> = { type: open.type, [name]: value };
    // Other parameters that are choices take their first option (a side, a channel).
    for (const [other, s] of Object.entries(open.params)) if (other !== name && s.kind === 'choice') action[other] = s.options[0];
    return action as Action;
  }
  return null;
}

export const benchmarkPlayer: PolicyFactory<{ benchmark: string; param?: string | undefined }> = {
  name: 'benchmark',
  description: "Plays the legal value nearest a public benchmark of the mechanism (param: benchmark, e.g. nash_price or monopoly_price; a firm's own `<name>_<seat>` is used when the mechanism gives one; param: param, which action parameter, default the first numeric one).",
  mechanisms: '*',
  trusted: true,
  paramsSchema: z.object({ benchmark: z.string().min(1), param: z.string().min(1).optional() }).strict(),
  create: ({ benchmark, param }, context) => {
    if (!context) throw new Error('the benchmark policy needs its seat context (the mechanism and config) to read the benchmark');
    const all = context.mechanism.benchmarks(context.config, context.seats);
    const own = all[`${benchmark}_${context.seat}`];
    const chosen = own ?? all[benchmark];
    const publicNames = Object.entries(all).filter(([, b]) => b.audience === 'public' && b.value !== null).map(([name]) => name);
    if (!chosen) throw new Error(`${context.mechanism.id} has no benchmark '${benchmark}' (public ones with a value: ${publicNames.join(', ') || 'none'})`);
    if (chosen.audience !== 'public') throw new Error(`benchmark '${benchmark}' of ${context.mechanism.id} reveals private draws (experimenter audience): a seat may not play it`);
    if (chosen.value === null) throw new Error(`benchmark '${benchmark}' of ${context.mechanism.id} has no value under this config`);
    const target = chosen.value;
    return {
      name: 'benchmark',
      decide(obs: Observation) {
        for (const open of obs.legal) {
          const action = actionAt(open, param, target);
          if (action) return decision(action);
        }
        return null;
      },
    };
  },
};
