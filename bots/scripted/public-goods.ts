/**
 * Baseline players for the public goods game: the free rider and the unconditional
 * contributor (the two poles), the conditional cooperator (matches what the others
 * gave last round, Fischbacher–Gächter style) and the altruistic punisher (contributes
 * and punishes those below the group average, Fehr–Gächter style). Every action is
 * clamped to legal() and its grid; in a punishment stage the non-punishers submit an
 * empty punishment so that the stage closes without waiting for its deadline.
 */
import { z } from 'zod';
import type { LegalAction, SeatId } from '../../mechanisms/core/types.ts';
import type { PlayerView } from '../../mechanisms/public-goods/index.ts';
import type { Decision, Observation, PolicyFactory } from '../policy.ts';
import { decision } from '../policy.ts';


type Obs = Observation<PlayerView>;

const open = (obs: Obs, type: string): LegalAction | undefined => obs.legal.find((a) => a.type === type);

/** Rounds off float noise from grid arithmetic (never -0). */
const clean = (x: number): number => Math.round(x * 1e9) / 1e9 + 0;

/** The legal contribution nearest to `fraction` of the endowment; null when contributing is not open. */
function contribution(obs: Obs, fraction: number): number | null {
  const spec = open(obs, 'contribute')?.params.amount;
  if (!spec || spec.kind !== 'number') return null;
  let x = Math.min(spec.max, Math.max(spec.min, fraction * obs.view.endowment));
  if (spec.step) {
    x = spec.min + Math.round((x - spec.min) / spec.step) * spec.step;
    if (x > spec.max + 1e-9) x = spec.min + Math.floor((spec.max - spec.min) / spec.step + 1e-9) * spec.step;
  }
  return clean(x);
}

/** The largest amount on the allocation grid not above x. */
function floorPoints(x: number, spec: { min: number; step?: number }): number {
  if (!spec.step) return clean(x);
  return clean(spec.min + Math.floor((x - spec.min) / spec.step + 1e-9) * spec.step);
}

/**
 * A contributor: gives `fraction(view)` of its endowment in the contribution stage and
 * `punish(obs)` in the punishment stage (nobody by default).
 */
function decideWith(obs: Obs, fraction: (view: PlayerView) => number, punish: (obs: Obs) => Record<SeatId, number> = () => ({})): Decision | null {
  if (open(obs, 'punish')) {
    const points = punish(obs);
    return decision({ type: 'punish', points }, Object.keys(points).length ? `punishing ${Object.keys(points).join(', ')}` : undefined);
  }
  const share = Math.min(1, Math.max(0, fraction(obs.view)));
  const amount = contribution(obs, share);
  return amount === null ? null : decision({ type: 'contribute', amount });
}

export const freeRider: PolicyFactory<Record<string, never>> = {
  name: 'free-rider',
  description: 'Contributes nothing and never punishes.',
  trusted: true,
  paramsSchema: z.object({}).strict(),
  create: () => ({ name: 'free-rider', decide: (obs: Obs) => decideWith(obs, () => 0) }),
};

export const fullContributor: PolicyFactory<Record<string, never>> = {
  name: 'full-contributor',
  description: 'Contributes its whole endowment and never punishes.',
  trusted: true,
  paramsSchema: z.object({}).strict(),
  create: () => ({ name: 'full-contributor', decide: (obs: Obs) => decideWith(obs, () => 1) }),
};

/**
 * The others' mean contribution last round as a fraction of their endowment: from
 * each seat's contribution when revealed, else from the group total minus its own.
 */
export function othersLastRate(view: PlayerView): number | null {
  const last = view.history.at(-1);
  if (!last || view.players < 2) return null;
  const bySeat = last.group.contributions;
  let given = 0;
  if (bySeat) {
    for (const seat in bySeat) if (seat !== view.seat) given += bySeat[seat as SeatId] as number;
  } else given = last.group.total - last.contribution;
  let endowed = view.endowmentMean * (view.players - 1);
  const endowments = last.group.endowments;
  if (endowments) {
    endowed = 0;
    for (const seat in endowments) if (seat !== view.seat) endowed += endowments[seat as SeatId] as number;
  }
  return endowed > 0 ? given / endowed : 0;
}

export const conditionalCooperator: PolicyFactory<{ slope: number; initial: number }> = {
  name: 'conditional-cooperator',
  description:
    "Contributes the others' mean contribution of the previous round as a fraction of endowment, times slope (default 1), starting at initial (default 0.5); uses the group total when only the total is revealed. Never punishes.",
  trusted: true,
  paramsSchema: z.object({ slope: z.number().min(0).max(10).default(1), initial: z.number().min(0).max(1).default(0.5) }).strict(),
  create: ({ slope, initial }) => ({
    name: 'conditional-cooperator',
    decide: (obs: Obs) =>
      decideWith(obs, (view) => {
        const rate = othersLastRate(view);
        return rate === null ? initial : slope * rate;
      }),
  }),
};

/** Points to each other seat that contributed below the group average, lowest contributors first, within the legal caps. */
function punishBelowAverage(obs: Obs, perTarget: number): Record<SeatId, number> {
  const spec = open(obs, 'punish')?.params.points;
  const report = obs.view.current;
  if (!spec || spec.kind !== 'allocation' || !report?.contributions) return {};
  const bySeat = report.contributions;
  const targets = spec.keys.filter((s) => (bySeat[s as SeatId] ?? 0) < report.average - 1e-9);
  targets.sort((a, b) => (bySeat[a as SeatId] ?? 0) - (bySeat[b as SeatId] ?? 0));
  const points: Record<SeatId, number> = {};
  let left = spec.total;
  for (const target of targets) {
    const amount = floorPoints(Math.min(perTarget, spec.max, left), spec);
    if (!(amount > 0) || amount < spec.min) continue;
    points[target as SeatId] = amount;
    left = clean(left - amount);
  }
  return points;
}

export const punisher: PolicyFactory<{ fraction: number; points: number }> = {
  name: 'punisher',
  description: 'Contributes fraction (default 1) of its endowment and, in a punishment stage, assigns points (default 2) to each other player who contributed below the group average.',
  trusted: true,
  paramsSchema: z.object({ fraction: z.number().min(0).max(1).default(1), points: z.number().min(0).default(2) }).strict(),
  create: ({ fraction, points }) => ({
    name: 'punisher',
    decide: (obs: Obs) =>
      decideWith(
        obs,
        () => fraction,
        (o) => punishBelowAverage(o, points),
      ),
  }),
};
