/**
 * `arena probe`: failure modes of a mechanism under a study's population (DESIGN §8).
 *
 * For every treatment (or cell) and every seat group, the probe searches the declared deviation
 * classes (the mechanism's probe.ts, and the study's `probe` block) with the exploit search:
 * searched on one seed block, the winner re-evaluated on fresh paired seeds. A deviation whose
 * one-sided 95% lower bound of gain exceeds the threshold is a finding. For each finding the
 * probe tries every declared mitigation, a config change: the same deviation class is searched
 * again under the changed config on the same seeds, and the mitigation is verified when no
 * deviation of the class is a finding any more and the best one gains less than the finding's
 * lower bound. The finding names the rule that changes (the lines of the mechanism's rules text
 * that the mitigation changes, and its config fields), the seats and policies, the strategy, the
 * gain with its interval, how often the deviation gains across the fresh seeds, a severity,
 * records that show it (the first fresh episodes of both populations, in events.jsonl and the
 * ledger, each linked to the web client's replay page), and a regression study for the exploit
 * library (studies/exploit-library.ts).
 */
import { mechanismKey, type AnyMechanism, type SeatId } from '../mechanisms/core/types.ts';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import type { MechanismProbe, Mitigation, ProbeDeviation } from '../mechanisms/core/probe.ts';
import { probeOf } from '../mechanisms/registry.ts';
import { mergeConfig, type ResolvedStudy, type SeatAssignment, type Treatment } from './spec.ts';
import { planExploit, runExploit, ExploitError, type ExploitPlan, type ExploitProgress, type ExploitResult } from './exploit.ts';
import { runStudy, type EpisodeResult } from './runner.ts';
import type { RegressionEntry } from './exploit-library.ts';
import { IndicatorRun, INDICATORS, type IndicatorGroup, type IndicatorResult } from './indicators.ts';

export interface ProbeSettings {
  /** A finding's gain: its one-sided lower bound above this share of a seat's share of the efficient surplus. */
  readonly threshold: number;
  /** Search episodes per candidate, and fresh episodes of the re-evaluation. */
  readonly episodes: number;
  readonly fresh: number;
  /** Fresh episodes recorded as evidence (those where the deviation gained most), by both populations. */
  readonly evidence: number;
  /** Episodes of each treatment whose records the indicators read (0: no indicators). */
  readonly indicators: number;
  /** Honest replays per episode: the indicators' Monte Carlo null. */
  readonly replays: number;
  /** An indicator is a finding when both its p-values are at most this. */
  readonly alpha: number;
}

export const DEFAULT_PROBE: ProbeSettings = { threshold: 0.02, episodes: 200, fresh: 400, evidence: 3, indicators: 20, replays: 19, alpha: 0.05 };

/** One search of the probe: a deviation class for one seat of one treatment. */
export interface ProbeTarget {
  readonly treatment: Treatment;
  readonly seat: SeatId;
  /** The seat group the seat stands for (every seat of it plays the same policy). */
  readonly group: string;
  readonly deviation: ProbeDeviation;
  readonly plan: ExploitPlan;
}

/** A plan checked before anything runs. */
export interface ProbePlan {
  readonly resolved: ResolvedStudy;
  readonly settings: ProbeSettings;
  readonly targets: readonly ProbeTarget[];
  /** The treatments probed (their indicators read). */
  readonly treatments: readonly Treatment[];
  readonly mitigations: readonly Mitigation[];
  /** Targets left out, and why (a deviation for a role the treatment has no seats of). */
  readonly skipped: readonly string[];
}

export class ProbeError extends Error {
  override name = 'ProbeError';
}

/** The mechanism's probe declarations with the study's (added, or replacing them). */
export async function probeDeclarations(resolved: ResolvedStudy): Promise<MechanismProbe> {
  const own = await probeOf(resolved.mechanism);
  const block = resolved.study.probe;
  if (!block) return own;
  return {
    deviations: [...(block.replace ? [] : own.deviations), ...(block.deviations ?? [])],
    mitigations: [...(block.replace ? [] : own.mitigations), ...(block.mitigations ?? [])],
  };
}

/**
 * Plans every search: each deviation class for the first seat of every seat group (of its role)
 * in every treatment named (all by default). Bad declarations are refused with their path.
 */
export async function planProbe(resolved: ResolvedStudy, options: { treatments?: readonly string[]; settings?: Partial<ProbeSettings> } = {}): Promise<ProbePlan> {
  const block = resolved.study.probe;
  const settings: ProbeSettings = { ...DEFAULT_PROBE, ...(block ? { threshold: block.threshold, episodes: block.episodes, fresh: block.fresh, evidence: block.evidence, indicators: block.indicators, replays: block.replays, alpha: block.alpha } : {}), ...options.settings };
  const declared = await probeDeclarations(resolved);
  if (!declared.deviations.length && settings.indicators === 0) throw new ProbeError(`${mechanismKey(resolved.mechanism)} declares no deviation classes to search, the study's probe block adds none, and the indicators are off: give \`probe.deviations\` in the study`);
  const names = resolved.treatments.map((t) => t.name);
  const unknown = (options.treatments ?? []).filter((t) => !names.includes(t));
  if (unknown.length) throw new ProbeError(`no treatment ${unknown.map((t) => `'${t}'`).join(', ')} in ${resolved.study.name}; its treatments: ${names.join(', ')}`);
  const treatments = options.treatments?.length ? resolved.treatments.filter((t) => options.treatments?.includes(t.name)) : resolved.treatments;
  const targets: ProbeTarget[] = [];
  const skipped: string[] = [];
  const ownCount = resolved.study.probe?.replace ? 0 : declared.deviations.length - (resolved.study.probe?.deviations?.length ?? 0);
  declared.deviations.forEach((deviation, d) => {
    const where = d < ownCount ? `${resolved.mechanism.id}/probe.ts deviations[${d}]` : `probe.deviations[${d - ownCount}]`;
    for (const treatment of treatments) {
      // One seat per seat group: the group's seats play the same policy, so one stands for all.
      const groups = new Map<string, SeatAssignment>();
      for (const s of treatment.seats) if ((!deviation.role || s.role === deviation.role) && !groups.has(s.group)) groups.set(s.group, s);
      if (!groups.size) {
        skipped.push(`${deviation.name} in ${treatment.name}: no seats of role '${deviation.role}'`);
        continue;
      }
      for (const [group, seat] of groups) {
        let plan: ExploitPlan;
        try {
          plan = planExploit(resolved, deviation.deviation, { treatment: treatment.name, seats: [seat.seat], episodes: settings.episodes, fresh: settings.fresh });
        } catch (error) {
          if (error instanceof ExploitError) throw new ProbeError(`${where} (${deviation.name}) cannot be searched:\n${error.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
          throw error;
        }
        targets.push({ treatment, seat: seat.seat, group, deviation, plan });
      }
    }
  });
  if (settings.indicators > 0 && resolved.study.learning) skipped.push('indicators: learning sessions end at convergence, before their matches finish, and the indicators read finished records only');
  if (settings.indicators > 0 && !declared.deviations.length) skipped.push(`exploit searches: ${mechanismKey(resolved.mechanism)} declares no deviation classes (give probe.deviations in the study)`);
  return { resolved, settings, targets, treatments, mitigations: declared.mitigations, skipped };
}

/** A gain as reports show it. */
export interface Gain {
  readonly mean: number;
  readonly ci95: readonly [number, number];
  readonly lowerBound: number;
  readonly n: number;
}

/** What one search found, finding or not. */
export interface SearchOutcome {
  readonly treatment: string;
  readonly seat: SeatId;
  readonly group: string;
  readonly deviation: string;
  readonly class: string;
  readonly baseline: { readonly policy: string; readonly params: unknown };
  readonly best: { readonly name: string; readonly params: Readonly<Record<string, unknown>> };
  readonly gain: Gain;
  /** The seat's mean payoff under the baseline on the fresh seeds. */
  readonly baselinePayoff: number;
  /** What the threshold is measured against: a seat's share of the efficient surplus (see scaleOf). */
  readonly scale: number;
  /** The gain's lower bound over the scale. */
  readonly relative: number;
  readonly finding: boolean;
  readonly result: ExploitResult;
}

export type Severity = 'high' | 'medium' | 'low';

/** A mitigation tried against a finding, on the same seeds. */
export interface MitigationTrial {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly why: string;
  /** The best deviation of the class under the changed config; null when the config does not apply (the problem says why). */
  readonly gain: Gain | null;
  readonly best: { readonly name: string; readonly params: Readonly<Record<string, unknown>> } | null;
  readonly verified: boolean;
  readonly problem: string | null;
  /** What the change costs the honest population: the baseline's metrics under the changed config minus under the study's. */
  readonly cost: Readonly<Record<string, number>>;
  /** The rules text lines the change makes different, before and after. */
  readonly rule: { readonly fields: readonly string[]; readonly before: readonly string[]; readonly after: readonly string[] };
}

/** A record that shows the finding: a match, the event to open it at, and the page that replays it. */
export interface Evidence {
  readonly population: 'baseline' | 'deviation';
  readonly match: string;
  readonly seq: number;
  readonly episode: number;
  /** The deviating seat's payoff in this episode. */
  readonly payoff: number;
}

export interface Finding {
  readonly id: string;
  readonly title: string;
  readonly mechanism: string;
  readonly study: string;
  readonly treatment: string;
  readonly severity: Severity;
  readonly seats: readonly SeatId[];
  /** Who plays every seat in the baseline, and what the deviating seat plays instead. */
  readonly population: readonly { readonly seat: SeatId; readonly policy: string; readonly params: unknown }[];
  readonly deviation: { readonly name: string; readonly class: string; readonly strategy: string; readonly params: Readonly<Record<string, unknown>> };
  readonly baseline: { readonly policy: string; readonly params: unknown; readonly payoff: number };
  readonly gain: Gain & { readonly relative: number };
  /** Share of the fresh episodes in which the deviation earns more than the baseline (paired). */
  readonly frequency: number;
  /** The rule the verified mitigation changes; null when none was verified. */
  readonly rule: MitigationTrial['rule'] | null;
  readonly rulesText: string;
  readonly mitigation: MitigationTrial | null;
  readonly mitigations: readonly MitigationTrial[];
  readonly evidence: readonly Evidence[];
  readonly regression: RegressionEntry;
  /** What the threshold share is of (payoff units): a seat's share of the efficient surplus. */
  readonly scale: number;
}

export interface ProbeProgress {
  /** Searches done (mitigation searches included), of how many planned so far. */
  readonly search: number;
  readonly searches: number;
  readonly label: string;
  readonly exploit: ExploitProgress | null;
  readonly findings: number;
}

/** An indicator of a treatment's records against its null of honest replays. */
export interface IndicatorOutcome {
  readonly treatment: string;
  readonly indicator: IndicatorResult;
  readonly definition: string;
  readonly finding: boolean;
}

/** A mitigation tried against an indicator finding: the treatment played again with the changed config, the indicator read again. */
export interface IndicatorTrial {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly why: string;
  readonly indicator: IndicatorResult | null;
  readonly verified: boolean;
  readonly problem: string | null;
  readonly rule: MitigationTrial['rule'];
}

/** An indicator of collusion or manipulation that the honest replays do not produce. */
export interface IndicatorFinding {
  readonly id: string;
  readonly title: string;
  readonly mechanism: string;
  readonly study: string;
  readonly treatment: string;
  readonly severity: Severity;
  readonly indicator: IndicatorResult;
  readonly definition: string;
  readonly population: readonly { readonly seat: SeatId; readonly policy: string; readonly params: unknown }[];
  readonly honest: { readonly policy: string; readonly params?: unknown } | null;
  readonly episodes: number;
  readonly replays: number;
  readonly rule: MitigationTrial['rule'] | null;
  readonly rulesText: string;
  readonly mitigation: IndicatorTrial | null;
  readonly mitigations: readonly IndicatorTrial[];
  readonly evidence: readonly Evidence[];
}

export interface ProbeResult {
  readonly study: string;
  readonly mechanism: string;
  readonly settings: ProbeSettings;
  readonly searches: readonly SearchOutcome[];
  readonly findings: readonly Finding[];
  readonly indicators: readonly IndicatorOutcome[];
  readonly indicatorFindings: readonly IndicatorFinding[];
  readonly skipped: readonly string[];
  /** The events of the evidence records, by finding id (written to evidence/<id>/events.jsonl). */
  readonly records: ReadonlyMap<string, readonly LedgerEvent[]>;
  readonly startedAt: string;
  readonly seconds: number;
}

const shownNumber = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(4))) : 'n/a');

/** Severity by the relative lower bound of the gain. */
export const severityOf = (relative: number): Severity => (relative >= 0.1 ? 'high' : relative >= 0.03 ? 'medium' : 'low');

/** The lines of the rules text that differ between two configs. */
export function ruleChange(mechanism: AnyMechanism, before: unknown, after: unknown, change: Readonly<Record<string, unknown>>): MitigationTrial['rule'] {
  const a = mechanism.rules(before).split('\n');
  const b = mechanism.rules(after).split('\n');
  const fields: string[] = [];
  const walk = (x: unknown, path: string) => {
    if (typeof x === 'object' && x !== null && !Array.isArray(x)) for (const [k, v] of Object.entries(x)) walk(v, path ? `${path}.${k}` : k);
    else fields.push(path);
  };
  walk(change, '');
  return { fields, before: a.filter((line) => !b.includes(line)), after: b.filter((line) => !a.includes(line)) };
}

/** The study with one treatment's config changed (validated by the mechanism); the problem instead when the change does not apply. */
function mitigated(resolved: ResolvedStudy, treatment: Treatment, change: Readonly<Record<string, unknown>>): { resolved: ResolvedStudy; treatment: Treatment } | { problem: string } {
  const parsed = resolved.mechanism.configSchema.safeParse(mergeConfig(treatment.config, change));
  if (!parsed.success) return { problem: parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ') };
  const seats = resolved.mechanism.seats(parsed.data);
  if (treatment.seats.length < seats.min || treatment.seats.length > seats.max) return { problem: `the changed config takes ${seats.min} to ${seats.max} seats, the treatment has ${treatment.seats.length}` };
  const changed: Treatment = { ...treatment, config: parsed.data };
  return { resolved: { ...resolved, treatments: resolved.treatments.map((t) => (t.name === treatment.name ? changed : t)) }, treatment: changed };
}

const gainOf = (r: ExploitResult): Gain => ({ mean: r.log.best.gain, ci95: r.log.best.ci95, lowerBound: r.log.best.lowerBound, n: r.log.best.n });

/**
 * What a gain is measured against: a seat's share of the efficient surplus (the baseline's mean
 * welfare over its efficiency, per seat), or the seat's baseline payoff, or a hundredth of the
 * episode's payoff range, the first of these that is there and not 0.
 */
export function scaleOf(mechanism: AnyMechanism, treatment: Treatment, result: ExploitResult): number {
  const metrics = result.fresh.summaries[0].metrics;
  const welfare = metrics.welfare?.mean;
  const efficiency = metrics.efficiency?.mean;
  const share = welfare !== undefined && efficiency !== undefined && efficiency > 0 ? welfare / efficiency / treatment.seats.length : Number.NaN;
  if (Number.isFinite(share) && share > 1e-9) return share;
  if (Math.abs(result.fresh.baseline) > 1e-9) return Math.abs(result.fresh.baseline);
  const bounds = mechanism.payoffBounds(treatment.config, treatment.seats.length);
  const range = bounds.max - bounds.min;
  return Number.isFinite(range) && range > 0 ? range / 100 : 1;
}

/** Runs every search, tries the mitigations on every finding, and records the evidence. */
export async function runProbe(plan: ProbePlan, options: { onProgress?: (p: ProbeProgress) => void } = {}): Promise<ProbeResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  // Evidence records are named after the run (probe-<study>-<time>/<finding>-<population>/<episode>): a ledger keeps every run's apart.
  const run = `probe-${plan.resolved.study.name}-${startedAt.replace(/[-:.]/g, '').replace('T', '-').slice(0, 18)}`;
  const { resolved, settings } = plan;
  const searches: SearchOutcome[] = [];
  const findings: Finding[] = [];
  const records = new Map<string, LedgerEvent[]>();
  let planned = plan.targets.length;
  let done = 0;
  const tell = (label: string, exploit: ExploitProgress | null) => options.onProgress?.({ search: done, searches: planned, label, exploit, findings: findings.length });
  const search = async (p: ExploitPlan, label: string) => {
    const result = await runExploit(p, { onProgress: (e) => tell(label, e) });
    done++;
    tell(label, null);
    return result;
  };

  for (const target of plan.targets) {
    const label = `${target.treatment.name} · ${target.seat} · ${target.deviation.name}`;
    const result = await search(target.plan, label);
    const gain = gainOf(result);
    const baselinePayoff = result.fresh.baseline;
    const scale = scaleOf(resolved.mechanism, target.treatment, result);
    const relative = gain.lowerBound / scale;
    const finding = Number.isFinite(relative) && relative > settings.threshold;
    const outcome: SearchOutcome = {
      treatment: target.treatment.name,
      seat: target.seat,
      group: target.group,
      deviation: target.deviation.name,
      class: result.log.class,
      baseline: result.log.baseline,
      best: { name: result.log.best.name, params: result.log.best.params },
      gain,
      baselinePayoff,
      scale,
      relative,
      finding,
      result,
    };
    searches.push(outcome);
    if (!finding) continue;

    // Mitigations: the same class searched again under each changed config, on the same seeds.
    planned += plan.mitigations.length;
    const trials: MitigationTrial[] = [];
    for (const m of plan.mitigations) {
      const changed = mitigated(resolved, target.treatment, m.config);
      const rule = ruleChange(resolved.mechanism, target.treatment.config, 'problem' in changed ? target.treatment.config : changed.treatment.config, m.config);
      if ('problem' in changed) {
        done++;
        trials.push({ name: m.name, config: m.config, why: m.why, gain: null, best: null, verified: false, problem: changed.problem, cost: {}, rule });
        continue;
      }
      if (!rule.before.length && !rule.after.length && JSON.stringify(changed.treatment.config) === JSON.stringify(target.treatment.config)) {
        done++;
        trials.push({ name: m.name, config: m.config, why: m.why, gain: null, best: null, verified: false, problem: 'the treatment already has this config', cost: {}, rule });
        continue;
      }
      const p = planExploit(changed.resolved, target.deviation.deviation, { treatment: target.treatment.name, seats: [target.seat], episodes: settings.episodes, fresh: settings.fresh });
      const r = await search(p, `${label} · mitigation ${m.name}`);
      const g = gainOf(r);
      const mScale = scaleOf(resolved.mechanism, changed.treatment, r);
      const verified = !(g.lowerBound / mScale > settings.threshold) && g.mean < gain.lowerBound;
      const cost: Record<string, number> = {};
      const before = result.fresh.summaries[0].metrics;
      const after = r.fresh.summaries[0].metrics;
      for (const name of ['revenue', 'welfare', 'efficiency']) {
        const a = after[name]?.mean;
        const b = before[name]?.mean;
        if (a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b)) cost[name] = a - b;
      }
      trials.push({ name: m.name, config: m.config, why: m.why, gain: g, best: { name: r.log.best.name, params: r.log.best.params }, verified, problem: null, cost, rule });
    }
    const verified = trials.filter((t) => t.verified).sort((a, b) => (a.gain?.mean ?? 0) - (b.gain?.mean ?? 0));
    const mitigation = verified[0] ?? null;

    const id = findingId(resolved, target, findings.length);
    const evidence = recordEvidence(resolved, target, result, settings.evidence, id, run);
    records.set(id, evidence.events);
    const diffs = result.fresh.diffs;
    const frequency = diffs.length ? Array.from(diffs).filter((d) => d > 0).length / diffs.length : Number.NaN;
    const strategy = `${result.log.best.name} (${result.log.class})`;
    const others = target.treatment.seats.filter((s) => s.seat !== target.seat);
    const othersText = summarisePolicies(others);
    findings.push({
      id,
      title: `${target.seat} gains ${shownNumber(gain.mean)} per episode (95% CI ${shownNumber(gain.ci95[0])} to ${shownNumber(gain.ci95[1])}) playing ${result.log.best.name} instead of ${policyLabel(result.log.baseline.policy, result.log.baseline.params)}, against ${othersText}`,
      mechanism: mechanismKey(resolved.mechanism),
      study: resolved.study.name,
      treatment: target.treatment.name,
      severity: severityOf(relative),
      seats: [target.seat],
      population: target.treatment.seats.map((s) => ({ seat: s.seat, policy: s.policy, params: s.params })),
      deviation: { name: target.deviation.name, class: result.log.class, strategy, params: result.log.best.params },
      baseline: { policy: result.log.baseline.policy, params: result.log.baseline.params, payoff: baselinePayoff },
      gain: { ...gain, relative },
      frequency,
      rule: mitigation?.rule ?? null,
      rulesText: resolved.mechanism.rules(target.treatment.config),
      mitigation,
      mitigations: trials,
      evidence: evidence.links,
      regression: regressionOf(resolved, target, result, settings, mitigation),
      scale,
    });
  }
  // Indicators: each treatment's records against honest replays of the same seeds.
  const indicatorOutcomes: IndicatorOutcome[] = [];
  const indicatorFindings: IndicatorFinding[] = [];
  const notes = new Set<string>();
  if (settings.indicators > 0 && !resolved.study.learning) {
    planned += plan.treatments.length;
    for (const treatment of plan.treatments) {
      const label = `${treatment.name} · indicators`;
      tell(label, null);
      const read = readIndicators(resolved, treatment, settings, `${run}/${treatment.name}~indicators`);
      done++;
      tell(label, null);
      for (const note of read.group?.notes ?? []) notes.add(`indicators: ${note}`);
      const significant = (r: IndicatorResult) => indicatorFinding(r, settings.alpha);
      for (const r of read.group?.indicators ?? []) indicatorOutcomes.push({ treatment: treatment.name, indicator: r, definition: INDICATOR_SPECS.get(r.name)?.definition ?? '', finding: significant(r) });
      const found = (read.group?.indicators ?? []).filter(significant);
      if (!found.length) continue;
      // Each mitigation: the treatment played again under the changed config, its indicators read again.
      planned += plan.mitigations.length;
      const again = new Map<string, { trial: Omit<IndicatorTrial, 'indicator' | 'verified'>; group: IndicatorGroup | null }>();
      for (const m of plan.mitigations) {
        const changed = mitigated(resolved, treatment, m.config);
        const rule = ruleChange(resolved.mechanism, treatment.config, 'problem' in changed ? treatment.config : changed.treatment.config, m.config);
        const base = { name: m.name, config: m.config, why: m.why, rule };
        if ('problem' in changed) again.set(m.name, { trial: { ...base, problem: changed.problem }, group: null });
        else again.set(m.name, { trial: { ...base, problem: null }, group: readIndicators(changed.resolved, changed.treatment, settings, `${run}/${treatment.name}~${m.name}`).group });
        done++;
        tell(`${label} · mitigation ${m.name}`, null);
      }
      for (const r of found) {
        const trials: IndicatorTrial[] = [...again.values()].map(({ trial, group }) => {
          const after = group?.indicators.find((x) => x.name === r.name && x.seat === r.seat) ?? null;
          return { ...trial, indicator: after, verified: after !== null && !significant(after) && movedToNull(r, after) };
        });
        const mitigation = trials.filter((t) => t.verified).sort((a, b) => distanceToNull(a.indicator as IndicatorResult) - distanceToNull(b.indicator as IndicatorResult))[0] ?? null;
        const id = `${String(findings.length + indicatorFindings.length + 1).padStart(2, '0')}-${resolved.mechanism.id}-${treatment.name}-${r.name}${r.seat ? `-${r.seat}` : ''}`.replace(/[^\w.-]+/g, '-');
        const spec = INDICATOR_SPECS.get(r.name);
        indicatorFindings.push({
          id,
          title: `${r.name.replaceAll('_', ' ')}${r.seat ? ` of ${r.seat}` : ''} is ${shownNumber(r.mean ?? Number.NaN)} in ${treatment.name}, against ${shownNumber(r.null?.mean ?? Number.NaN)} when the seats play honestly (p = ${shownNumber(r.p ?? Number.NaN)}, paired p = ${shownNumber(r.pPaired ?? Number.NaN)})`,
          mechanism: mechanismKey(resolved.mechanism),
          study: resolved.study.name,
          treatment: treatment.name,
          severity: indicatorSeverity(r),
          indicator: r,
          definition: spec?.definition ?? '',
          population: treatment.seats.map((s) => ({ seat: s.seat, policy: s.policy, params: s.params })),
          honest: read.group?.honest ?? null,
          episodes: read.group?.episodes ?? 0,
          replays: settings.replays,
          rule: mitigation?.rule ?? null,
          rulesText: resolved.mechanism.rules(treatment.config),
          mitigation,
          mitigations: trials,
          evidence: read.evidence,
        });
        records.set(id, read.events);
      }
    }
  }
  return { study: resolved.study.name, mechanism: mechanismKey(resolved.mechanism), settings, searches, findings, indicators: indicatorOutcomes, indicatorFindings, skipped: [...plan.skipped, ...notes], records, startedAt, seconds: (performance.now() - started) / 1000 };
}

const INDICATOR_SPECS = new Map(INDICATORS.map((s) => [s.name, s]));

/** The honest replays do not produce it: both one-sided p-values at most alpha, and the value outside the null's 5–95% range on the collusive side. */
function indicatorFinding(r: IndicatorResult, alpha: number): boolean {
  if (r.mean === null || r.null === null || r.p === null || r.p > alpha) return false;
  if (r.pPaired !== null && r.pPaired > alpha) return false;
  const { q05, q95 } = r.null;
  if (r.direction === 'greater') return q95 === null || r.mean > q95;
  return q05 === null || r.mean < q05;
}

/** How far an indicator is from its null's mean, as a share of the larger of the two. */
function distanceToNull(r: IndicatorResult): number {
  const m = r.mean ?? Number.NaN;
  const n = r.null?.mean ?? Number.NaN;
  if (!Number.isFinite(m) || !Number.isFinite(n)) return Number.POSITIVE_INFINITY;
  return Math.abs(m - n) / Math.max(Math.abs(m), Math.abs(n), 1e-9);
}

const indicatorSeverity = (r: IndicatorResult): Severity => {
  const d = distanceToNull(r);
  return d >= 0.5 ? 'high' : d >= 0.2 ? 'medium' : 'low';
};

/** The mitigated value lies beyond the finding's interval, towards the honest side. */
function movedToNull(before: IndicatorResult, after: IndicatorResult): boolean {
  if (after.mean === null || before.mean === null) return false;
  const edge = before.ci95 ? (before.direction === 'greater' ? before.ci95[0] : before.ci95[1]) : before.mean;
  return before.direction === 'greater' ? after.mean < edge : after.mean > edge;
}

/**
 * Plays a treatment's first episodes with their records and reads its indicators against honest
 * replays of the same seeds; keeps the first episodes' records as evidence.
 */
function readIndicators(resolved: ResolvedStudy, treatment: Treatment, settings: ProbeSettings, name: string): { group: IndicatorGroup | null; events: LedgerEvent[]; evidence: Evidence[] } {
  const slash = name.indexOf('/');
  const study: ResolvedStudy = { ...resolved, study: { ...resolved.study, name: name.slice(0, slash) }, treatments: [{ ...treatment, name: name.slice(slash + 1) }], factors: [] };
  const run = new IndicatorRun({ replays: settings.replays });
  const kept: LedgerEvent[] = [];
  const evidence: Evidence[] = [];
  let current: LedgerEvent[] = [];
  let index = 0;
  const sink = {
    append(event: LedgerEvent) {
      current.push(event);
      if (event.kind !== 'match_ended') return;
      run.add(current);
      if (index < settings.evidence) {
        kept.push(...current);
        const first = current.find((e) => e.kind === 'round_record') ?? current[0];
        evidence.push({ population: 'baseline', match: event.match, seq: first?.seq ?? 0, episode: index, payoff: Number.NaN });
      }
      index++;
      current = [];
    },
    transaction<T>(fn: () => T): T {
      return fn();
    },
  };
  runStudy(study, { episodes: settings.indicators, rounds: false, events: false, exports: false, ledger: sink });
  return { group: run.report(name).groups[0] ?? null, events: kept, evidence };
}

/** `first-price-truthful-p0-shading`: mechanism, treatment, seat and deviation, made safe for file names. */
function findingId(resolved: ResolvedStudy, target: ProbeTarget, index: number): string {
  const safe = (s: string) => s.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${String(index + 1).padStart(2, '0')}-${safe(resolved.mechanism.id)}-${safe(target.treatment.name)}-${target.seat}-${safe(target.deviation.name)}`;
}

/** A policy with its params, as the search log names candidates: `shader(fraction=0.8)`. */
function policyLabel(policy: string, params: unknown): string {
  const entries = typeof params === 'object' && params !== null ? Object.entries(params) : [];
  return entries.length ? `${policy}(${entries.map(([k, v]) => `${k}=${typeof v === 'number' ? shownNumber(v) : JSON.stringify(v)}`).join(', ')})` : policy;
}

/** "4 × truthful" or "3 × conditional-cooperator, 1 × free-rider". */
function summarisePolicies(seats: readonly SeatAssignment[]): string {
  const counts = new Map<string, number>();
  for (const s of seats) counts.set(policyLabel(s.policy, s.params), (counts.get(policyLabel(s.policy, s.params)) ?? 0) + 1);
  return [...counts].map(([p, n]) => `${n} × ${p}`).join(', ');
}

/**
 * The fresh episodes where the deviation gained most, played again with their records by both
 * populations, on the seeds of the re-evaluation. Each link opens the deviating seat's first
 * action in one of them.
 */
function recordEvidence(resolved: ResolvedStudy, target: ProbeTarget, result: ExploitResult, count: number, id: string, run: string): { events: LedgerEvent[]; links: Evidence[] } {
  const events: LedgerEvent[] = [];
  const links: Evidence[] = [];
  // A sybil population has seats (and draws) of its own: its records are not replayed here.
  if (count <= 0 || result.fresh.seats[1].length !== target.treatment.seats.length) return { events, links };
  const diffs = Array.from(result.fresh.diffs);
  const chosen = diffs.map((d, e) => ({ d, e })).sort((a, b) => b.d - a.d || a.e - b.e).slice(0, count).map((x) => x.e);
  const keep = new Set(chosen);
  const episodes = Math.max(...chosen) + 1;
  const payoffs: Record<'baseline' | 'deviation', number[]> = { baseline: [], deviation: [] };
  const firstAction: Record<'baseline' | 'deviation', Map<string, number>> = { baseline: new Map(), deviation: new Map() };
  (['baseline', 'deviation'] as const).forEach((population, k) => {
    const seats = result.fresh.seats[k] as readonly SeatAssignment[];
    const name = `${id}-${population}`;
    const prefix = `${run}/${name}/`;
    const study: ResolvedStudy = { ...resolved, study: { ...resolved.study, name: run }, treatments: [{ ...target.treatment, name, seats }], factors: [] };
    const sink = {
      append(event: LedgerEvent) {
        if (!keep.has(Number(event.match.slice(prefix.length)))) return;
        events.push(event);
        if (event.kind === 'action' && event.seat === target.seat && !firstAction[population].has(event.match)) firstAction[population].set(event.match, event.seq);
      },
      transaction<T>(fn: () => T): T {
        return fn();
      },
    };
    runStudy(study, { seed: result.seeds.fresh, episodes, rounds: false, events: false, exports: false, ledger: sink, onEpisode: (e: EpisodeResult) => (payoffs[population][e.episode] = e.payoffs[target.seat] ?? 0) });
  });
  for (const e of chosen) {
    for (const population of ['deviation', 'baseline'] as const) {
      const match = `${run}/${id}-${population}/${e}`;
      links.push({ population, match, episode: e, seq: firstAction[population].get(match) ?? 0, payoff: payoffs[population][e] ?? 0 });
    }
  }
  return { events, links };
}

/** A regression study for the exploit library: the population, the seat, the class, and what must hold. */
function regressionOf(resolved: ResolvedStudy, target: ProbeTarget, result: ExploitResult, settings: ProbeSettings, mitigation: MitigationTrial | null): RegressionEntry {
  const t = target.treatment;
  return {
    kind: 'exploit',
    name: `${resolved.mechanism.id}: ${target.deviation.name} by ${target.seat} in ${t.name}`,
    description: `Found by arena probe on ${resolved.study.name}: ${target.seat} gains ${shownNumber(result.log.best.gain)} per episode (lower bound ${shownNumber(result.log.best.lowerBound)}) with ${result.log.best.name}.${mitigation ? ` Closed by ${mitigation.name}: ${mitigation.why}.` : ' No config change tried closes it.'}`,
    study: {
      name: `regression-${resolved.mechanism.id}`,
      mechanism: mechanismKey(resolved.mechanism),
      config: t.config as Record<string, unknown>,
      seats: t.seats.map((s) => ({ policy: s.policy, params: s.params as Record<string, unknown>, count: 1, ...(s.role ? { role: s.role } : {}) })),
      episodes: settings.episodes,
      seed: resolved.study.seed,
      clock: resolved.study.clock,
    },
    seat: target.seat,
    deviation: target.deviation.deviation,
    episodes: settings.episodes,
    fresh: settings.fresh,
    threshold: settings.threshold,
    found: { gain: result.log.best.gain, ci95: [...result.log.best.ci95], lowerBound: result.log.best.lowerBound, best: result.log.best.name },
    mitigation: mitigation ? { name: mitigation.name, config: mitigation.config, why: mitigation.why } : null,
  };
}
