/**
 * The `arena` command line: run studies headless, replay and verify records, list
 * mechanisms and policies, and run the demo.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import pc from 'picocolors';
import { MECHANISMS, findMechanism } from '../mechanisms/registry.ts';
import { mechanismKey } from '../mechanisms/core/types.ts';
import { POLICIES, playedBy } from '../bots/registry.ts';
import { llmSeatPlans, resolveStudy, StudyError, type ResolvedStudy } from '../studies/spec.ts';
import { llmSettingsSchema, preflightLlmSeats } from '../bots/llm/index.ts';
import { ALLOW_FALLBACK_HINT, issueLines } from '../bots/llm/preflight.ts';
import { isAsyncStudy, runStudy, runStudyAsync, type RunOptions, type RunReport } from '../studies/runner.ts';
import { summaryTable } from '../studies/report.ts';
import { DEFAULT_QUEUE, GridError, GridInterrupted, gridStaging, JOBS_WANTED, runGrid, type GridProgress } from '../studies/grid.ts';
import { SqliteLedger } from './storage/sqlite-ledger.ts';
import { openLedger } from './storage/stores.ts';
import { storeFor } from './config.ts';
import { serveCommand, botsCommand, exportCommand } from './serve.ts';
import { exportTablesCommand } from './tables-command.ts';
import { UsageError } from './usage-error.ts';
import { addProbeCommands } from './probe-command.ts';
import { addExploitCommands } from './exploit-command.ts';
import { verifyRecords, readJsonl, type Verdict } from '../studies/records.ts';
import { openRecords, recordFile } from './replay-open.ts';
import { replayUrl } from '../studies/probe-report.ts';
import { counterfactualCommand, indicatorsCommand, usageNumber } from './instruments.ts';

const ROOT = resolve(import.meta.dirname, '..');
export const DEFAULT_DB = process.env.ARENA_DB ?? join(ROOT, 'data', 'arena.db');
export const EXAMPLES = join(ROOT, 'studies', 'examples');


function codeVersion(): { version: string; commit: string | null } {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return { version: pkg.version, commit };
  } catch {
    return { version: pkg.version, commit: null };
  }
}

export function loadStudy(file: string): ResolvedStudy {
  if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return resolveStudy(raw);
  } catch (error) {
    if (error instanceof StudyError) throw new UsageError(`${file} is not a valid study:\n${error.issues.map((i) => `  ${pc.bold(i.path || '(study)')}: ${i.message}`).join('\n')}`);
    throw error;
  }
}

/**
 * Before a study with LLM seats runs: every seat's key is set and its endpoint answers
 * (bots/llm/preflight.ts). Otherwise it is refused (exit 2), or with llm.allowFallback
 * run with a warning, the fallbacks deciding for those seats.
 */
async function checkLlmSeats(file: string, resolved: ResolvedStudy): Promise<void> {
  if (!isAsyncStudy(resolved)) return;
  const settings = llmSettingsSchema.parse(resolved.study.llm ?? {});
  const issues = await preflightLlmSeats(llmSeatPlans(resolved), settings);
  if (!issues.length) return;
  const lines = issueLines(issues, pc.bold);
  if (settings.allowFallback) {
    console.error(pc.yellow(`${file}: the fallback policy will decide for these LLM seats (llm.allowFallback is set):\n${lines}`));
    return;
  }
  throw new UsageError(`${file}: its LLM seats cannot play:\n${lines}\n(${ALLOW_FALLBACK_HINT})`);
}

function progressBar(label: string, llm = false): { onProgress: RunOptions['onProgress']; stop(): void } {
  if (!process.stderr.isTTY) return { onProgress: undefined, stop() {} };
  // With LLM seats the bar also counts their decisions and how many the fallback made, as they happen.
  const llmPart = llm ? ' | {fallbacks}/{llmDecisions} LLM decisions fell back' : '';
  const bar = new cliProgress.SingleBar(
    { format: `${label} ${pc.cyan('{bar}')} {percentage}% | {value}/{total} episodes${llmPart} | {eta_formatted} left`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress(done, total, decisions) {
      const payload = { fallbacks: decisions?.fallbacks ?? 0, llmDecisions: decisions?.decisions ?? 0 };
      if (!started) {
        bar.start(total, 0, payload);
        started = true;
      }
      bar.update(done, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** The bar of a grid run: cells and episodes finished. */
function gridBar(label: string): { onProgress(p: GridProgress): void; stop(): void } {
  if (!process.stderr.isTTY) return { onProgress() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} ${pc.cyan('{bar}')} {percentage}% | {cells}/{totalCells} cells | {value}/{total} episodes | {eta_formatted} left`, stream: process.stderr, hideCursor: true, clearOnComplete: true, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress(p) {
      const payload = { cells: p.cells, totalCells: p.totalCells };
      if (!started) {
        bar.start(p.totalEpisodes, p.episodes, payload);
        started = true;
      }
      bar.update(p.episodes, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

const wholeNumber = (name: string, min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number of at least ${min}`);
  return n;
};

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

interface RunFlags {
  out?: string;
  episodes?: number;
  seed?: number;
  force?: boolean;
  rounds: boolean;
  events?: boolean;
  db?: string;
  json?: boolean;
  workers?: number;
  resume?: boolean;
  exports: boolean;
  queue?: string;
  queueName?: string;
  chunk?: number;
}

/** Prints a finished run: the summary (table or JSON) and a line on speed and where the results are. */
function printRun(report: RunReport & { played?: number }, flags: RunFlags, extra: string): void {
  if (flags.json) {
    console.log(JSON.stringify(report.summary, null, 2));
    return;
  }
  console.log(summaryTable(report.summary));
  const played = report.played ?? report.summary.treatments.reduce((n, t) => n + t.episodes, 0);
  const eps = played / report.seconds;
  console.log(pc.dim(`${played} episodes in ${report.seconds.toFixed(2)} s (${Math.round(eps)}/s)${extra} → ${report.out}`));
  if (report.llm) {
    const { study, counters } = report.llm;
    console.log(pc.dim(`LLM: ${counters.calls} calls (${counters.cachedCalls} cached), ${study.promptTokens} prompt + ${study.completionTokens} completion tokens, $${study.usd}, ${counters.retries} retries, ${counters.fallbacks} fallbacks → llm-transcript.jsonl`));
  }
}

async function runCommand(file: string, opts: RunFlags): Promise<void> {
  const resolved = loadStudy(file);
  await checkLlmSeats(file, resolved);
  const out = opts.out ?? join('out', `${resolved.study.name}-${timestamp()}`);
  const cells = resolved.treatments.length;
  // Studies of several cells with scripted seats run as a grid: worker threads, resumable.
  // Studies with LLM seats play in one process, or on a queue whose workers share their budget and request slots.
  const inOneProcess = isAsyncStudy(resolved) && !opts.queue ? 'its LLM seats decide in one process' : opts.db ? '--db records into one ledger from one process' : cells === 1 && !opts.queue && opts.chunk === undefined ? 'it has one cell' : null;
  if (opts.queue && inOneProcess) throw new UsageError(`--queue: ${file} cannot be spread over a queue (${inOneProcess})`);
  if (opts.queue && opts.workers !== undefined) throw new UsageError('--queue and --workers: the queue\'s workers play the cells (give each `arena worker` its --threads)');
  if (opts.queue) await (await import('../studies/queue.ts')).checkQueue(opts.queue).catch((error: Error) => Promise.reject(new UsageError(error.message)));
  if (opts.resume && inOneProcess) throw new UsageError(`--resume: ${file} cannot be resumed (${inOneProcess}); run it again`);
  if (opts.workers !== undefined && opts.workers > 1 && inOneProcess) console.error(pc.yellow(`--workers: ${file} runs in one thread (${inOneProcess})`));
  const common = {
    out,
    replace: opts.force ?? false,
    rounds: opts.rounds && resolved.study.output.rounds,
    events: opts.events ?? resolved.study.output.events,
    exports: opts.exports && resolved.study.output.exports,
    ...(opts.episodes !== undefined ? { episodes: opts.episodes } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    code: codeVersion(),
  };
  if (!inOneProcess) return runGridCommand(file, resolved, opts, common);
  const ledger = opts.db ? new SqliteLedger(opts.db) : undefined;
  const bar = progressBar(resolved.study.name, isAsyncStudy(resolved));
  try {
    const run = isAsyncStudy(resolved) ? runStudyAsync : (r: typeof resolved, o: RunOptions) => Promise.resolve(runStudy(r, o));
    const report = await run(resolved, { ...common, ...(ledger ? { ledger } : {}), onProgress: bar.onProgress });
    bar.stop();
    printRun(report, opts, ledger ? `, ledger in ${ledger.path}` : '');
  } catch (error) {
    bar.stop();
    if (error instanceof Error && /already exists/.test(error.message)) throw new UsageError(error.message);
    throw error;
  } finally {
    await ledger?.close();
  }
}

/** A study of several cells on worker threads; Ctrl-C keeps the finished cells for --resume. */
async function runGridCommand(file: string, resolved: ResolvedStudy, opts: RunFlags, common: Omit<RunOptions, 'onProgress'> & { out: string }): Promise<void> {
  const bar = gridBar(resolved.study.name);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const report = await runGrid(resolved, {
      ...common,
      ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
      resume: opts.resume ?? false,
      ...(opts.queue ? { queue: { url: opts.queue, ...(opts.queueName ? { name: opts.queueName } : {}) } } : {}),
      ...(opts.chunk !== undefined ? { chunk: opts.chunk } : {}),
      onProgress: bar.onProgress,
      signal: abort.signal,
    });
    bar.stop();
    if (report.resumed && !opts.json) console.log(pc.dim(`resumed: ${report.resumed} of ${report.cells} cells were finished by the interrupted run`));
    const cells = `${report.cells} cell${report.cells === 1 ? '' : 's'}${report.jobs > report.cells ? ` in ${report.jobs} jobs` : ''}`;
    printRun(report, opts, report.queue ? `, ${cells} on queue ${report.queue}` : `, ${cells} on ${report.workers || 1} ${report.workers === 1 || report.workers === 0 ? 'thread' : 'worker threads'}`);
  } catch (error) {
    bar.stop();
    if (error instanceof GridInterrupted) {
      console.error(pc.yellow(`Stopped: ${error.done} of ${error.total} cells finished, kept in ${gridStaging(common.out)}.\nContinue with: npm run arena -- run ${file} --out ${common.out} --resume`));
      process.exitCode = 130;
      return;
    }
    if (error instanceof GridError) throw new UsageError(error.message);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `arena worker`: takes cells from the queue until Ctrl-C, which lets the cells being played finish. */
async function workerCommand(opts: { queue: string; queueName: string; threads: number; stall: number }): Promise<void> {
  const { checkQueue, serveQueue } = await import('../studies/queue.ts');
  await checkQueue(opts.queue).catch((error: Error) => Promise.reject(new UsageError(error.message)));
  const abort = new AbortController();
  const onSignal = () => {
    if (abort.signal.aborted) process.exit(130);
    console.error(pc.yellow('stopping once the cells being played are finished (Ctrl-C again to stop now; those cells are then played again by another worker)'));
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { played } = await serveQueue({
      url: opts.queue,
      name: opts.queueName,
      threads: opts.threads,
      stallSeconds: opts.stall,
      code: codeVersion(),
      signal: abort.signal,
      log: (line) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`),
    });
    console.log(`worker stopped after playing ${played} cell${played === 1 ? '' : 's'}`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function printVerdicts(verdicts: readonly Verdict[]): void {
  for (const v of verdicts) {
    const mark = v.ok ? pc.green('✓') : pc.red('✗');
    console.log(`${mark} ${v.match}  ${v.events} events, ${v.inputs} inputs  final hash ${v.hash}`);
    if (!v.ok) console.log(`  ${pc.red(v.problem ?? 'unknown problem')}`);
  }
  const bad = verdicts.filter((v) => !v.ok).length;
  console.log(bad ? pc.red(`${bad} of ${verdicts.length} records failed to verify`) : pc.green(`${verdicts.length} record${verdicts.length === 1 ? '' : 's'} verified: hash chains intact, replay reproduces every final hash`));
  if (bad) process.exitCode = 1;
}

async function replayCommand(file: string | undefined, opts: { session?: string; db: string; open?: boolean; baseUrl?: string }): Promise<void> {
  if (file && opts.session) throw new UsageError('give a FILE or --session ID, not both');
  if (opts.open && !file) throw new UsageError('--open takes a results folder or an events.jsonl');
  if (file && opts.open) return openCommand(recordFile(file), opts.db, opts.baseUrl ?? process.env.ARENA_PUBLIC_URL ?? `http://127.0.0.1:${process.env.PORT ?? 2567}`);
  if (file) {
    printVerdicts(await verifyRecords(readJsonl(recordFile(file))));
    return;
  }
  if (!opts.session) throw new UsageError('give a record FILE (events.jsonl) or --session ID');
  const config = storeFor(process.env, opts.db);
  if (config.kind === 'sqlite' && !existsSync(opts.db)) throw new UsageError(`${opts.db}: no ledger database here (pass --db FILE, or set ARENA_DATABASE_URL)`);
  const ledger = openLedger(config);
  try {
    const events = ledger.events(opts.session);
    if (!events.length) {
      const known = ledger.matches().slice(-10).map((m) => m.id);
      throw new UsageError(`no session '${opts.session}' in ${ledger.path}${known.length ? `; recent: ${known.join(', ')}` : ''}`);
    }
    printVerdicts(await verifyRecords(events));
  } finally {
    await ledger.close();
  }
}

/** `arena replay DIR --open`: the folder's verified episodes into the server's ledger, and their replay pages. */
async function openCommand(file: string, db: string, base: string): Promise<void> {
  const ledger = openLedger(storeFor(process.env, db));
  try {
    const opened = await openRecords(readJsonl(file), ledger);
    for (const r of opened) {
      if (r.outcome === 'refused') console.log(`${pc.red('✗')} ${r.match}  ${r.problem}`);
      else console.log(`${pc.green('✓')} ${r.match}  ${r.events} events${r.outcome === 'present' ? ' (already in the ledger)' : ''}  ${pc.cyan(replayUrl(base, r.match, 0))}`);
    }
    const refused = opened.filter((r) => r.outcome === 'refused').length;
    console.log(pc.dim(`${opened.length - refused} of ${opened.length} record${opened.length === 1 ? '' : 's'} in ${ledger.path}; the server on that ledger opens them on its replay page (experimenter token).`));
    if (refused) process.exitCode = 1;
  } finally {
    await ledger.close();
  }
}

function demoCommand(): void {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort();
  console.log(pc.bold('Mechanism Arena demo: every example study, headless, with scripted bots.\n'));
  for (const f of files) {
    const resolved = loadStudy(join(EXAMPLES, f));
    // LLM studies need an endpoint, learning sessions take minutes: the demo plays the others.
    if (isAsyncStudy(resolved)) continue;
    if (resolved.study.learning) {
      console.log(pc.dim(`${resolved.study.name} (studies/examples/${f}): learning sessions run for minutes; run it with npm run arena -- run studies/examples/${f}\n`));
      continue;
    }
    console.log(pc.bold(`${resolved.study.name}`) + pc.dim(` (studies/examples/${f})`));
    if (resolved.study.description) console.log(pc.dim(resolved.study.description));
    const bar = progressBar(resolved.study.name);
    const report = runStudy(resolved, { onProgress: bar.onProgress });
    bar.stop();
    console.log(`${summaryTable(report.summary)}\n`);
  }
  console.log(`Run one yourself: ${pc.cyan('npm run arena -- run studies/examples/first-price.json')} (results land in out/).`);
}

export function buildProgram(): Command {
  const program = new Command('arena').description('Mechanism Arena: economic mechanisms under strategic pressure').showHelpAfterError();
  program
    .command('run')
    .description('run a study headless and write its results folder')
    .argument('<study>', 'study file (JSON)')
    .option('-o, --out <dir>', 'results folder (default: out/<study>-<time>)')
    .option('-n, --episodes <n>', 'episodes per treatment (overrides the study)', wholeNumber('episodes', 1))
    .option('-s, --seed <s>', 'study seed (overrides the study)', wholeNumber('seed', 0))
    .option('-f, --force', 'replace the results folder if it exists')
    .option('--no-rounds', 'skip rounds.csv (one row per participant-round)')
    .option('--no-exports', 'skip the Parquet copies and report.html (arena report DIR makes the report later)')
    .option('--events', "write events.jsonl: every episode's hash-chained ledger")
    .option('--db <file>', 'also record every episode in this SQLite ledger')
    .option('--json', 'print the summary as JSON instead of a table')
    .option('-w, --workers <n>', 'worker threads for a study of several cells (default: one per core); 0 plays them in this thread', wholeNumber('workers', 0))
    .option('--resume', 'continue an interrupted run into the same --out, playing only the cells it had not finished')
    .option('--queue <url>', 'play the cells on the workers of this Redis job queue (redis://host:port; start them with `arena worker --queue URL`)')
    .option('--queue-name <name>', 'the queue on that Redis', DEFAULT_QUEUE)
    .option('--chunk <episodes>', `episodes per job: a cell of more is split into chunks played apart, unless a seat carries what it learns from episode to episode (default: on a queue, enough for ${JOBS_WANTED} jobs when there are fewer cells; otherwise a cell per job)`, wholeNumber('chunk', 1))
    .action(runCommand);
  program
    .command('worker')
    .description('play the cells that `arena run --queue URL` puts on a Redis job queue, from any machine with the same code, until Ctrl-C')
    .requiredOption('--queue <url>', 'the Redis of the queue (redis://host:port)')
    .option('--queue-name <name>', 'the queue on that Redis', DEFAULT_QUEUE)
    .option('-t, --threads <n>', 'cells played at once, each on a thread of its own', wholeNumber('threads', 1), 1)
    .option('--stall <seconds>', 'seconds without news from a worker after which its cell is played again elsewhere', wholeNumber('stall', 1), 30)
    .action(workerCommand);
  program
    .command('replay')
    .description('verify a record: hash chain intact, replay reproduces the final hash')
    .argument('[file]', 'events.jsonl written by `arena run --events`, or its results folder')
    .option('--session <id>', 'a match recorded in the ledger (the SQLite file, or PostgreSQL when ARENA_DATABASE_URL is set)')
    .option('--db <file>', 'SQLite ledger', DEFAULT_DB)
    .option('--open', "copy the file's verified episodes into the ledger (--db, the server's by default) and print each one's replay page")
    .option('--base-url <url>', 'where the web client runs, for the replay links (default ARENA_PUBLIC_URL or http://127.0.0.1:PORT)')
    .action(replayCommand);
  program
    .command('serve')
    .description('start the arena server with its demo arenas (PORT, HOST, ARENA_DB, ARENA_ADMIN_TOKEN, ARENA_ORIGINS)')
    .option('--no-demo', 'do not open the demo arenas')
    .action(serveCommand);
  program
    .command('bots')
    .description('seat scripted bots in open seats of a live session, as ordinary clients')
    .requiredOption('--session <id>', 'session id')
    .requiredOption('--policy <name>', 'scripted policy (see `arena policies`)')
    .option('--url <url>', 'server address', process.env.ARENA_URL ?? 'http://127.0.0.1:2567')
    .option('--count <n>', 'how many open seats to fill', wholeNumber('count', 1), 1)
    .option('--params <json>', 'policy params as JSON', '{}')
    .option('--token <token>', 'experimenter token (default: ARENA_ADMIN_TOKEN or data/admin-token)')
    .action(botsCommand);
  program
    .command('export')
    .description("write a session's record: JSONL (complete), CSV (one row per participant-round), or its tidy tables")
    .requiredOption('--session <id>', 'session id')
    .option('--format <format>', 'jsonl, csv, or tables (a folder of tidy tables and their dictionary, at --out)', 'jsonl')
    .option('--db <file>', 'SQLite ledger (PostgreSQL instead when ARENA_DATABASE_URL is set)', DEFAULT_DB)
    .option('-o, --out <file>', 'file to write (default: standard output); the folder for --format tables')
    .action((opts: Parameters<typeof exportCommand>[0]) => (opts.format === 'tables' ? exportTablesCommand(opts) : exportCommand(opts)));
  program
    .command('counterfactual')
    .description('fork a record at an event, give seats other policies, play on with the same seeds, and compare both outcomes')
    .argument('[record]', 'events.jsonl (of `arena run --events`, or an exported session)')
    .option('--at <seq>', 'the event to fork after (required)', usageNumber('--at', 0))
    .option('--swap <seat=policy,...>', 'seats and their new policies, e.g. p2=truthful,p3=zi-c')
    .option('--params <seat=json>', 'params of a swapped seat\'s policy, e.g. p2=\'{"fraction":0.7}\' (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--match <id>', 'which match of a file that holds several (a run\'s episodes)')
    .option('--session <id>', 'a session recorded in the ledger')
    .option('--db <file>', 'SQLite ledger', DEFAULT_DB)
    .option('--step-ms <ms>', 'headless time per decision of the continuation (default: the study\'s, or read from the record)', usageNumber('--step-ms', 1))
    .option('-o, --out <dir>', 'folder for the counterfactual record and the comparison (default: out/counterfactual-<match>-<time>)')
    .option('-f, --force', 'replace the folder if it exists')
    .option('--json', 'print the comparison as JSON')
    .action(counterfactualCommand);
  program
    .command('indicators')
    .description('collusion and incentive indicators from records, with confidence intervals and a Monte Carlo null of honest replays')
    .argument('[target]', 'a results folder (run with --events; writes indicators.json there) or an events.jsonl')
    .option('--session <id>', 'a session recorded in the ledger')
    .option('--db <file>', 'SQLite ledger', DEFAULT_DB)
    .option('--null <n>', 'honest replays per episode (0: no null)', usageNumber('--null', 0), 19)
    .option('--suspects <seats>', 'seats the honest replays replace, and the coalition (default: every seat)')
    .option('--honest <policy>', "the honest baseline (default: the mechanism's)")
    .option('--honest-params <json>', "the honest baseline's params")
    .option('--window <rounds>', "the final window (default: the config's gainWindow, else the whole match)", usageNumber('--window', 1))
    .option('--tolerance <share>', 'chat → action: relative distance within which an action matches a proposal (default 0.02)', usageNumber('--tolerance', 0, false))
    .option('--step-ms <ms>', "headless time per decision of the replays (default: the study's, or read from the record)", usageNumber('--step-ms', 1))
    .option('-o, --out <file>', 'write indicators.json here (a results folder gets it inside)')
    .option('--json', 'print indicators.json instead of the table')
    .action(indicatorsCommand);
  addExploitCommands(program, { loadStudy, code: codeVersion });
  addProbeCommands(program, { loadStudy, code: codeVersion, defaultDb: DEFAULT_DB });
  program.command('demo').description('run every example study headless and print the results').action(demoCommand);
  program
    .command('mechanisms')
    .description('list mechanisms, or print the rules of one')
    .argument('[id]', 'mechanism id to print the default rules of')
    .action((id?: string) => {
      if (id) {
        const m = findMechanism(id);
        if (!m) throw new UsageError(`unknown mechanism '${id}'`);
        console.log(`${pc.bold(m.title)} (${mechanismKey(m)})\n\n${m.rules(m.configSchema.parse({}))}`);
        return;
      }
      for (const m of MECHANISMS) console.log(`${pc.bold(mechanismKey(m).padEnd(20))} ${m.title}`);
    });
  program
    .command('policies')
    .description('list scripted policies')
    .action(() => {
      for (const p of POLICIES) {
        const plays = playedBy(p, MECHANISMS);
        console.log(`${pc.bold(p.name.padEnd(24))} ${pc.dim(plays === '*' ? 'any mechanism' : plays.join(', '))}\n${' '.repeat(25)}${p.description}`);
      }
    });
  program
    .command('report')
    .description('rebuild report.html of a results folder: the summary and plots, readable offline')
    .argument('<dir>', 'a results folder written by `arena run`')
    .action(async (dir: string) => {
      // The plotting code loads for this command only.
      const { writeReport, NotResultsFolder } = await import('../studies/report/index.ts');
      try {
        const written = await writeReport(dir);
        console.log(`${written.path}: ${written.figures} plots, ${Math.round(written.bytes / 1024)} KB`);
      } catch (error) {
        if (error instanceof NotResultsFolder) throw new UsageError(error.message);
        throw error;
      }
    });
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv as string[]);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(pc.red(error.message));
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
