/** Runs one large first-price study and reports its peak RSS; spawned by the benchmark. `no-exports` as the second argument skips the Parquet copies and report.html. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveStudy } from '../studies/spec.ts';
import { runStudy } from '../studies/runner.ts';

const episodes = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'arena-rss-'));
const study = resolveStudy({ name: 'rss', mechanism: 'first-price', config: { rounds: 1 }, seats: [{ policy: 'equilibrium', count: 10 }], episodes, seed: 1 });
const exports = process.argv[3] !== 'no-exports';
const report = runStudy(study, { out: join(dir, 'out'), rounds: false, exports });
rmSync(dir, { recursive: true, force: true });
process.stdout.write(JSON.stringify({ episodes, seconds: report.seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
