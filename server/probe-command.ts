/**
 * `arena probe STUDY` (failure-mode reports: exploit searches over the declared deviation
 * classes, verified mitigations, evidence records, regression studies) and `arena regress
 * FILE|DIR...` (the exploit library's regression studies checked again). Bad input exits 2
 * before anything runs or is written.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import cliProgress from 'cli-progress';
import pc from 'picocolors';
import type { ResolvedStudy } from '../studies/spec.ts';
import { planProbe, ProbeError, runProbe, type ProbeProgress } from '../studies/probe.ts';
import { writeProbe } from '../studies/probe-report.ts';
import { checkRegression, libraryFiles, readEntry, RegressionError } from '../studies/exploit-library.ts';
import { isAsyncStudy } from '../studies/runner.ts';
import { SqliteLedger } from './storage/sqlite-ledger.ts';
import { UsageError } from './usage-error.ts';

export interface ProbeDeps {
  readonly loadStudy: (file: string) => ResolvedStudy;
  readonly code: () => { version: string; commit: string | null };
  readonly defaultDb: string;
}

const number = (name: string, min: number, whole: boolean) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || (whole && !Number.isInteger(n))) throw new InvalidArgumentError(`${name} must be ${whole ? 'a whole number' : 'a number'} of at least ${min}`);
  return n;
};

const timestamp = (): string => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

function progressBar(label: string): { onProgress: ((p: ProbeProgress) => void) | undefined; stop(): void } {
  if (!process.stderr.isTTY) return { onProgress: undefined, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} ${pc.cyan('{bar}')} search {value}/{total} | {label} | {episodes} | findings {findings}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress(p) {
      const payload = { label: p.label, findings: p.findings, episodes: p.exploit ? `${p.exploit.phase} ${p.exploit.episodes}/${p.exploit.totalEpisodes} episodes, best so far ${p.exploit.best ? p.exploit.best.estimate.toFixed(3) : '–'}` : '' };
      if (!started) {
        bar.start(p.searches, p.search, payload);
        started = true;
      }
      bar.setTotal(p.searches);
      bar.update(p.search, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

interface ProbeFlags {
  out?: string;
  treatment?: string[];
  threshold?: number;
  episodes?: number;
  fresh?: number;
  evidence?: number;
  indicators?: number;
  replays?: number;
  db?: string | false;
  baseUrl?: string;
  force?: boolean;
  json?: boolean;
}

async function probeCommand(deps: ProbeDeps, file: string, flags: ProbeFlags): Promise<void> {
  const resolved = deps.loadStudy(file);
  if (isAsyncStudy(resolved)) throw new UsageError(`${file}: arena probe searches deviations of scripted and learning policies against a population it can replay; studies with LLM seats are probed with arena exploit, one search at a time`);
  let plan;
  try {
    plan = await planProbe(resolved, {
      ...(flags.treatment?.length ? { treatments: flags.treatment } : {}),
      settings: {
        ...(flags.threshold !== undefined ? { threshold: flags.threshold } : {}),
        ...(flags.episodes !== undefined ? { episodes: flags.episodes } : {}),
        ...(flags.fresh !== undefined ? { fresh: flags.fresh } : {}),
        ...(flags.evidence !== undefined ? { evidence: flags.evidence } : {}),
        ...(flags.indicators !== undefined ? { indicators: flags.indicators } : {}),
        ...(flags.replays !== undefined ? { replays: flags.replays } : {}),
      },
    });
  } catch (error) {
    if (error instanceof ProbeError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
  const out = flags.out ?? join('out', `probe-${resolved.study.name}-${timestamp()}`);
  if (existsSync(out) && statSync(out).isDirectory() && !flags.force) {
    const { readdirSync } = await import('node:fs');
    if (readdirSync(out).length) throw new UsageError(`${out} already exists and is not empty (choose another --out, or pass --force to replace it)`);
  }
  const bar = progressBar(resolved.study.name);
  const result = await runProbe(plan, bar.onProgress ? { onProgress: bar.onProgress } : {}).finally(() => bar.stop());
  const ledger = flags.db === false ? undefined : new SqliteLedger(flags.db ?? deps.defaultDb);
  try {
    const baseUrl = flags.baseUrl ?? process.env.ARENA_PUBLIC_URL ?? `http://127.0.0.1:${process.env.PORT ?? 2567}`;
    const written = await writeProbe(out, result, { baseUrl, replace: flags.force ?? false, code: deps.code(), ...(ledger ? { ledger } : {}) });
    if (flags.json) {
      console.log(JSON.stringify({ out: written.dir, findings: [...result.findings, ...result.indicatorFindings].map((f) => ({ id: f.id, severity: f.severity, title: f.title, mitigation: f.mitigation?.name ?? null })) }, null, 2));
      return;
    }
    for (const s of result.searches) {
      const mark = s.finding ? pc.red('finding') : pc.dim('–');
      console.log(`${mark.padEnd(18)} ${s.treatment} · ${s.seat} (${s.baseline.policy}) · ${s.deviation}: best ${s.best.name}, gain ${s.gain.mean.toFixed(3)} [${s.gain.ci95[0].toFixed(3)}, ${s.gain.ci95[1].toFixed(3)}], lower bound ${s.gain.lowerBound.toFixed(3)}`);
    }
    for (const f of result.findings) {
      console.log(`\n${pc.bold(f.severity.toUpperCase())} ${f.title}`);
      console.log(f.mitigation ? pc.green(`  closed by ${f.mitigation.name} (${JSON.stringify(f.mitigation.config)}): the best deviation then gains ${f.mitigation.gain?.mean.toFixed(3)} [${f.mitigation.gain?.ci95[0].toFixed(3)}, ${f.mitigation.gain?.ci95[1].toFixed(3)}]`) : pc.yellow(`  no verified mitigation among ${f.mitigations.map((m) => m.name).join(', ') || 'none declared'}`));
      console.log(pc.dim(`  report findings/${f.id}.html, regression study regression/${f.id}.json`));
    }
    for (const f of result.indicatorFindings) {
      console.log(`\n${pc.bold(f.severity.toUpperCase())} ${f.title}`);
      console.log(f.mitigation ? pc.green(`  brought back to honest play by ${f.mitigation.name} (${JSON.stringify(f.mitigation.config)}): ${f.indicator.name} then ${f.mitigation.indicator?.mean?.toFixed(3)} (p ${f.mitigation.indicator?.p?.toFixed(3)})`) : pc.yellow(`  no verified mitigation among ${f.mitigations.map((m) => m.name).join(', ') || 'none declared'}`));
      console.log(pc.dim(`  report findings/${f.id}.html`));
    }
    for (const s of result.skipped) console.log(pc.dim(`not searched: ${s}`));
    const found = result.findings.length + result.indicatorFindings.length;
    console.log(pc.dim(`\n${result.searches.length} searches, ${result.indicators.length} indicators, ${found} finding${found === 1 ? '' : 's'} in ${result.seconds.toFixed(1)} s → ${written.dir}/probe.html${ledger ? `; evidence in the ledger ${ledger.path}` : ''}`));
  } finally {
    await ledger?.close();
  }
}

async function regressCommand(targets: string[], flags: { json?: boolean }): Promise<void> {
  if (!targets.length) throw new UsageError('name regression studies (files, or folders such as exploits/)');
  const files: string[] = [];
  for (const t of targets) {
    if (!existsSync(t)) throw new UsageError(`${t}: no such file or folder`);
    files.push(...(statSync(t).isDirectory() ? libraryFiles(t) : [t]));
  }
  if (!files.length) throw new UsageError(`no regression studies (.json) in ${targets.join(', ')}`);
  // Every entry is read and validated before any is played.
  const entries = files.map((file) => {
    let raw: unknown;
    try {
      raw = readEntry(file);
    } catch (error) {
      throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
    return { file, raw };
  });
  const checks = [];
  for (const { file, raw } of entries) {
    try {
      checks.push(await checkRegression(raw, file));
    } catch (error) {
      if (error instanceof RegressionError) throw new UsageError(error.message);
      throw error;
    }
  }
  if (flags.json) console.log(JSON.stringify(checks, null, 2));
  else
    for (const c of checks) {
      console.log(`${c.ok ? pc.green('✓') : pc.red('✗')} ${c.name} ${pc.dim(c.file ?? '')}`);
      console.log(pc.dim(`  without the mitigation: ${c.open.best} gains ${c.open.gain.toFixed(3)} (lower bound ${c.open.lowerBound.toFixed(3)}, threshold ${c.open.threshold.toFixed(3)})`));
      if (c.closed) console.log(pc.dim(`  with it: ${c.closed.best} gains ${c.closed.gain.toFixed(3)} (lower bound ${c.closed.lowerBound.toFixed(3)}, threshold ${c.closed.threshold.toFixed(3)})`));
      for (const p of c.problems) console.log(pc.red(`  ${p}`));
    }
  if (checks.some((c) => !c.ok)) process.exitCode = 1;
}

export function addProbeCommands(program: Command, deps: ProbeDeps): void {
  program
    .command('probe')
    .description('search the declared deviation classes of a study, verify mitigations, and write failure reports with evidence and regression studies')
    .argument('<study>', 'study file (JSON)')
    .option('-o, --out <dir>', 'folder for the reports (default: out/probe-<study>-<time>)')
    .option('-t, --treatment <name...>', 'probe only these treatments (or cells)')
    .option('--threshold <share>', "a finding's gain: its lower bound above this share of a seat's share of the efficient surplus (default 0.02)", number('--threshold', 0, false))
    .option('-n, --episodes <n>', 'search episodes per candidate (default 200)', number('--episodes', 2, true))
    .option('--fresh <n>', 'fresh episodes of each re-evaluation (default 400)', number('--fresh', 2, true))
    .option('--indicators <n>', 'episodes of each treatment whose records the indicators read (default 20; 0: none)', number('--indicators', 0, true))
    .option('--replays <n>', 'honest replays per episode for the indicators\' null (default 19)', number('--replays', 0, true))
    .option('--evidence <n>', 'episodes recorded as evidence, those where the deviation gained most (default 3)', number('--evidence', 0, true))
    .option('--db <file>', 'also append the evidence records to this SQLite ledger (default: the server\'s)')
    .option('--no-db', 'keep the evidence records in the folder only')
    .option('--base-url <url>', 'where the web client runs, for the replay links (default ARENA_PUBLIC_URL or http://127.0.0.1:PORT)')
    .option('-f, --force', 'replace the folder if it exists')
    .option('--json', 'print the findings as JSON')
    .action((file: string, flags: ProbeFlags) => probeCommand(deps, file, flags));
  program
    .command('regress')
    .description("check regression studies of the exploit library: each finding still reproduces, and stays closed under its mitigation")
    .argument('<targets...>', 'regression study files, or folders of them (exploits/)')
    .option('--json', 'print the checks as JSON')
    .action(regressCommand);
}
