/**
 * `npm run bench:calvano`: a Calvano et al. (2020) baseline session through the engine against
 * the same algorithm as a bare typed-array loop (bench/calvano-bare.ts), timed in the same run.
 * Sessions converge after different numbers of periods (the engine and the loop draw their
 * random numbers differently), so the figure compared is CPU time per period; each engine
 * session runs in a child process of its own so its peak RSS is its own. Trials alternate
 * engine and bare loop; medians and their ratio. `--quick`: one trial.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runCalvanoBare } from './calvano-bare.ts';
import { median } from './stats.ts';

const args = new Set(process.argv.slice(2));
const TRIALS = args.has('--quick') ? 1 : 3;
const log = (msg: string) => {
  if (!args.has('--json')) process.stderr.write(`${msg}\n`);
};

interface Session { periods: number; converged: boolean; gain: number | null; cpuSeconds: number; maxRssMb: number }

const engine: Session[] = [];
const bare: { periods: number; cpuSeconds: number }[] = [];
log(`Calvano baseline session (2 firms, β = 4e-6, to convergence), engine and bare loop alternately, ${TRIALS} trial${TRIALS === 1 ? '' : 's'}:`);
for (let t = 0; t < TRIALS; t++) {
  const child = spawnSync(process.execPath, ['--max-semi-space-size=16', join(import.meta.dirname, 'calvano-session.ts'), String(t + 1)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`engine session failed: ${child.stderr}`);
  const s = JSON.parse(child.stdout) as Session;
  engine.push(s);
  const since = process.cpuUsage();
  const b = runCalvanoBare({ seed: t + 1 });
  const used = process.cpuUsage(since);
  bare.push({ periods: b.periods, cpuSeconds: (used.user + used.system) / 1e6 });
  log(`  trial ${t + 1}: engine ${s.periods} periods in ${s.cpuSeconds.toFixed(2)} s CPU (${((s.cpuSeconds / s.periods) * 1e9).toFixed(0)} ns/period, Δ ${s.gain?.toFixed(3)}, peak RSS ${s.maxRssMb.toFixed(0)} MB); bare ${b.periods} periods in ${(used.user / 1e6 + used.system / 1e6).toFixed(2)} s (${(((used.user + used.system) / 1e6 / b.periods) * 1e9).toFixed(0)} ns/period)`);
}
const enginePer = median(engine.map((s) => s.cpuSeconds / s.periods));
const barePer = median(bare.map((b) => b.cpuSeconds / b.periods));
const result = {
  calvano_engine_ns_per_period: Math.round(enginePer * 1e9),
  calvano_bare_ns_per_period: Math.round(barePer * 1e9),
  calvano_engine_over_bare_ratio: Number((enginePer / barePer).toFixed(2)),
  calvano_session_periods: median(engine.map((s) => s.periods)),
  calvano_session_seconds: Number(median(engine.map((s) => s.cpuSeconds)).toFixed(2)),
  calvano_session_peak_rss_mb: Math.round(Math.max(...engine.map((s) => s.maxRssMb))),
};
if (args.has('--json')) console.log(JSON.stringify(result, null, 2));
else log(`median: engine ${result.calvano_engine_ns_per_period} ns/period, bare ${result.calvano_bare_ns_per_period} ns/period → ${result.calvano_engine_over_bare_ratio}x (target ≤ 3x); peak RSS ${result.calvano_session_peak_rss_mb} MB (target < 200 MB)`);
