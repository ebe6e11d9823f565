/**
 * `arena counterfactual` and `arena indicators`: reading records from events.jsonl files,
 * results folders and the ledger, and writing what the instruments found. Bad input is a
 * UsageError (exit code 2) and nothing is written.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Table from 'cli-table3';
import pc from 'picocolors';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import type { SeatId } from '../mechanisms/core/types.ts';
import { readJsonl } from '../studies/records.ts';
import { StagedDir, StreamFile } from '../studies/output.ts';
import { counterfactual, RecordProblem, type ForkResult, type RecordEvents, type Swap } from '../studies/counterfactual.ts';
import { IndicatorRun, type IndicatorReport } from '../studies/indicators.ts';
import { openLedger, type Ledger } from './storage/stores.ts';
import { storeFor } from './config.ts';
import { UsageError } from './usage-error.ts';

const fmt = (x: number | null | undefined): string => {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  const a = Math.abs(x);
  // A mean of differences from a mean is 0 up to rounding: shown as 0.
  if (a < 1e-9) return '0.000';
  if (a < 0.001 || a >= 1e6) return x.toExponential(2);
  return a >= 100 ? x.toFixed(1) : x.toFixed(3);
};

const tableStyle = () => (pc.isColorSupported ? { head: ['cyan'] } : { head: [], border: [] });

/** An option's number, refused as bad input (exit code 2) when it is not one of at least `min`. */
export const usageNumber =
  (name: string, min: number, whole = true) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || (whole && !Number.isInteger(n))) throw new UsageError(`${name} must be a ${whole ? 'whole ' : ''}number of at least ${min}, got '${value}'`);
    return n;
  };

/** The study's headless step, from the manifest of the results folder a record sits in. */
function manifestStepMs(file: string): number | undefined {
  const manifest = join(dirname(file), 'manifest.json');
  if (!existsSync(manifest)) return undefined;
  try {
    const step = (JSON.parse(readFileSync(manifest, 'utf8')) as { study?: { clock?: { stepMs?: unknown } } }).study?.clock?.stepMs;
    return typeof step === 'number' ? step : undefined;
  } catch {
    return undefined;
  }
}

/** The events of one match of a JSONL file; with several matches in it, `match` picks one. */
async function matchFromFile(file: string, match: string | undefined): Promise<LedgerEvent[]> {
  const ids: string[] = [];
  const picked: LedgerEvent[] = [];
  try {
    for await (const e of readJsonl(file)) {
      if (ids.at(-1) !== e.match && !ids.includes(e.match)) ids.push(e.match);
      if (match === undefined ? e.match === ids[0] : e.match === match) picked.push(e);
    }
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message}`);
  }
  if (!ids.length) throw new UsageError(`${file} holds no events`);
  if (match === undefined && ids.length > 1) throw new UsageError(`${file} holds ${ids.length} matches: pick one with --match ID (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`);
  if (!picked.length) throw new UsageError(`no match '${match}' in ${file} (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`);
  return picked;
}

function openLedgerAt(db: string): Ledger {
  const config = storeFor(process.env, db);
  if (config.kind === 'sqlite' && !existsSync(db)) throw new UsageError(`${db}: no ledger database here (pass --db FILE, or set ARENA_DATABASE_URL)`);
  return openLedger(config);
}

/** A session's record, read page by page on every pass. */
function sessionRecord(ledger: Ledger, session: string): RecordEvents {
  if (ledger.count(session) === 0) {
    const known = ledger.matches().slice(-10).map((m) => m.id);
    throw new UsageError(`no session '${session}' in ${ledger.path}${known.length ? `; recent: ${known.join(', ')}` : ''}`);
  }
  return { [Symbol.iterator]: () => ledger.stream(session) };
}

/** `p2=truthful,p3=zi-c` and `p2={"fraction":0.7}` into swaps. */
export function parseSwaps(swap: string | undefined, params: readonly string[]): Swap[] {
  const swaps: Swap[] = [];
  for (const part of (swap ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(p\d+)=([A-Za-z0-9_.-]+)$/.exec(part);
    if (!m) throw new UsageError(`--swap ${part}: write SEAT=POLICY, e.g. p2=truthful`);
    swaps.push({ seat: m[1] as SeatId, policy: m[2] as string });
  }
  for (const p of params) {
    const eq = p.indexOf('=');
    const seat = eq > 0 ? p.slice(0, eq).trim() : '';
    if (!/^p\d+$/.test(seat)) throw new UsageError(`--params ${p}: write SEAT=JSON, e.g. p2='{"fraction":0.7}'`);
    let value: unknown;
    try {
      value = JSON.parse(p.slice(eq + 1));
    } catch (error) {
      throw new UsageError(`--params ${seat}: not JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`--params ${seat}: give a JSON object`);
    const i = swaps.findIndex((s) => s.seat === seat);
    if (i < 0) throw new UsageError(`--params ${seat}: the seat is not swapped (add it to --swap)`);
    swaps[i] = { ...(swaps[i] as Swap), params: value as Record<string, unknown> };
  }
  return swaps;
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** The comparison as a short table: payoffs and metrics from the fork on, then the whole match's measures. */
export function counterfactualTable(r: ForkResult): string {
  const table = new Table({ head: ['from the fork to the end', 'original', 'counterfactual', 'difference'], style: tableStyle() });
  for (const seat of Object.keys(r.original.since.payoffs)) {
    const s = r.seats.find((x) => x.seat === seat);
    const label = s?.swapped ? `payoff ${seat} (${s.original} → ${s.counterfactual})` : `payoff ${seat} (${s?.original ?? '?'})`;
    table.push([label, fmt(r.original.since.payoffs[seat]), fmt(r.counterfactual.since.payoffs[seat]), fmt(r.difference.since.payoffs[seat])]);
  }
  for (const name of Object.keys(r.original.since.metrics)) table.push([name, fmt(r.original.since.metrics[name]), fmt(r.counterfactual.since.metrics[name]), fmt(r.difference.since.metrics[name])]);
  table.push(['rounds closed', String(r.original.since.rounds), String(r.counterfactual.since.rounds), String(r.counterfactual.since.rounds - r.original.since.rounds)]);
  for (const name of Object.keys(r.original.final.measures)) table.push([pc.dim(`m.${name} (whole match)`), fmt(r.original.final.measures[name]), fmt(r.counterfactual.final.measures[name]), fmt(r.difference.final.measures[name])]);
  const head = `${r.record.match} (${r.record.mechanism}, seed ${r.record.seed}): forked after event ${r.fork.at}, from event ${r.fork.from} (round ${r.fork.round}, t = ${r.fork.time} ms), ${r.fork.mode}`;
  const notes = r.fork.notes.map((n) => pc.yellow(`note: ${n}`)).join('\n');
  return `${head}\n${table.toString()}${notes ? `\n${notes}` : ''}`;
}

export async function counterfactualCommand(
  file: string | undefined,
  opts: { at?: number; swap?: string; params: string[]; match?: string; session?: string; db: string; out?: string; force?: boolean; json?: boolean; stepMs?: number },
): Promise<void> {
  if (file && opts.session) throw new UsageError('give a RECORD file or --session ID, not both');
  if (!file && !opts.session) throw new UsageError('give a RECORD (events.jsonl) or --session ID');
  if (opts.at === undefined) throw new UsageError('--at SEQ is required: the event to fork after (0 forks at the start)');
  const at = opts.at;
  const swaps = parseSwaps(opts.swap, opts.params);
  let events: RecordEvents;
  let ledger: Ledger | null = null;
  let stepMs = opts.stepMs;
  if (file) {
    if (!existsSync(file) || statSync(file).isDirectory()) throw new UsageError(`${file}: no such file (give an events.jsonl)`);
    events = await matchFromFile(file, opts.match);
    stepMs ??= manifestStepMs(file);
  } else {
    ledger = openLedgerAt(opts.db);
    events = sessionRecord(ledger, opts.session as string);
  }
  try {
    let result: ForkResult;
    try {
      result = counterfactual(events, { at, swaps, ...(stepMs !== undefined ? { stepMs } : {}) });
    } catch (error) {
      if (error instanceof RecordProblem) throw new UsageError(`${file ?? `session ${opts.session}`}: ${error.message}`);
      throw error;
    }
    const slug = result.record.match.replace(/[^A-Za-z0-9_.-]+/g, '-');
    const out = opts.out ?? join('out', `counterfactual-${slug}-${timestamp()}`);
    let dir: StagedDir;
    try {
      dir = new StagedDir(out, { replace: opts.force ?? false });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    try {
      const record = new StreamFile(dir.file('events.jsonl'));
      for (const e of result.events ?? []) record.write(`${JSON.stringify(e)}\n`);
      record.close();
      const summary = new StreamFile(dir.file('counterfactual.json'));
      summary.write(`${JSON.stringify({ ...result, events: undefined }, null, 2)}\n`);
      summary.close();
      dir.commit();
    } catch (error) {
      dir.discard();
      throw error;
    }
    if (opts.json) console.log(JSON.stringify({ ...result, events: undefined, out: dir.target }, null, 2));
    else console.log(`${counterfactualTable(result)}\n${pc.dim(`→ ${dir.target} (events.jsonl: the counterfactual record; counterfactual.json: both outcomes)`)}`);
  } finally {
    await ledger?.close();
  }
}

/** The indicators as a table per group. */
export function indicatorsTable(report: IndicatorReport): string {
  const parts: string[] = [];
  for (const g of report.groups) {
    const table = new Table({ head: [`${g.name} (${g.episodes})`, 'seat', 'mean [95% CI]', 'null mean [5%, 95%]', 'p', 'p paired'], style: tableStyle() });
    for (const i of g.indicators) {
      const ci = i.ci95 ? ` ${pc.dim(`[${fmt(i.ci95[0])}, ${fmt(i.ci95[1])}]`)}` : '';
      const nul = i.null ? `${fmt(i.null.mean)} ${pc.dim(`[${fmt(i.null.q05)}, ${fmt(i.null.q95)}]`)}${i.null.kind === 'placebo' ? pc.dim(' placebo') : ''}` : pc.dim('–');
      const p = i.p === null ? pc.dim('–') : i.p <= 0.05 ? pc.bold(fmt(i.p)) : fmt(i.p);
      table.push([i.name, i.seat ?? '', `${fmt(i.mean)}${ci}`, nul, p, i.pPaired === null ? pc.dim('–') : fmt(i.pPaired)]);
    }
    const honest = g.honest ? `${g.honest.policy}${g.honest.params ? ` ${JSON.stringify(g.honest.params)}` : ''}` : 'none';
    const head = `${g.mechanism}: null of ${g.replays} honest replays per episode, suspects ${g.suspects.join(',')} played by ${honest}; window ${g.window === null ? 'the whole match' : `the last ${g.window} rounds`}`;
    parts.push(`${head}\n${table.toString()}${g.notes.length ? `\n${g.notes.map((n) => pc.yellow(`note: ${n}`)).join('\n')}` : ''}`);
  }
  return `${parts.join('\n\n')}\n${pc.dim('one-sided p-values: p from the honest replays (or the chat placebo), p paired from sign flips of each episode against its replays')}`;
}

/** Writes a file whole or not at all (a temporary sibling renamed into place). */
function writeWhole(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.partial-${process.pid}`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

export async function indicatorsCommand(
  target: string | undefined,
  opts: { session?: string; db: string; null: number; suspects?: string; honest?: string; honestParams?: string; window?: number; stepMs?: number; tolerance?: number; json?: boolean; out?: string },
): Promise<void> {
  if (target && opts.session) throw new UsageError('give a results folder, a record file or --session ID, not several');
  if (!target && !opts.session) throw new UsageError('give a results folder (run with --events), a record file (events.jsonl) or --session ID');
  const suspects = opts.suspects?.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of suspects ?? []) if (!/^p\d+$/.test(s)) throw new UsageError(`--suspects ${s}: seats are p0, p1, ...`);
  let honestParams: Record<string, unknown> | undefined;
  if (opts.honestParams !== undefined) {
    if (!opts.honest) throw new UsageError('--honest-params needs --honest POLICY');
    try {
      honestParams = JSON.parse(opts.honestParams) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`--honest-params: not JSON (${(error as Error).message})`);
    }
    if (typeof honestParams !== 'object' || honestParams === null || Array.isArray(honestParams)) throw new UsageError('--honest-params: give a JSON object');
  }
  let file: string | null = null;
  let writeTo: string | null = opts.out ?? null;
  if (target) {
    if (!existsSync(target)) throw new UsageError(`${target}: no such file or folder`);
    if (statSync(target).isDirectory()) {
      file = join(target, 'events.jsonl');
      if (!existsSync(file)) throw new UsageError(`${target} has no events.jsonl: run the study with --events to keep its records`);
      writeTo ??= join(target, 'indicators.json');
    } else file = target;
  }
  const stepMs = opts.stepMs ?? (file ? manifestStepMs(file) : undefined);
  const run = new IndicatorRun({
    replays: opts.null,
    ...(suspects ? { suspects: suspects as SeatId[] } : {}),
    ...(opts.honest ? { honest: { policy: opts.honest, ...(honestParams ? { params: honestParams } : {}) } } : {}),
    ...(opts.window !== undefined ? { window: opts.window } : {}),
    ...(stepMs !== undefined ? { stepMs } : {}),
    ...(opts.tolerance !== undefined ? { tolerance: opts.tolerance } : {}),
  });
  const add = (events: readonly LedgerEvent[], where: string) => {
    try {
      run.add(events);
    } catch (error) {
      if (error instanceof RecordProblem) throw new UsageError(`${where}: ${error.message}`);
      throw error;
    }
  };
  let source: string;
  if (file) {
    source = file;
    let current: LedgerEvent[] = [];
    try {
      for await (const e of readJsonl(file)) {
        if (current.length && current[0]?.match !== e.match) {
          add(current, `${file}, match ${current[0]?.match}`);
          current = [];
        }
        current.push(e);
      }
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`${file}: ${(error as Error).message}`);
    }
    if (!current.length) throw new UsageError(`${file} holds no events`);
    add(current, `${file}, match ${current[0]?.match}`);
  } else {
    const ledger = openLedgerAt(opts.db);
    try {
      source = `session ${opts.session} in ${ledger.path}`;
      add([...sessionRecord(ledger, opts.session as string)], `session ${opts.session}`);
    } finally {
      await ledger.close();
    }
  }
  const report = run.report(source);
  const text = `${JSON.stringify(report, null, 2)}\n`;
  if (writeTo) writeWhole(writeTo, text);
  if (opts.json) console.log(text.trimEnd());
  else console.log(`${indicatorsTable(report)}${writeTo ? `\n${pc.dim(`→ ${writeTo}`)}` : ''}`);
}
