/**
 * `npm run bench:grid`: a factorial grid (first-price, 2 × 2 × 2 cells) played with one worker
 * thread and with two, alternately, so both see the same machine. Each time is the whole run
 * as a user waits for it: workers starting, the cells, the merge into the results folder.
 * Prints each trial, the medians and their ratio; `--quick` plays fewer episodes, `--json`
 * prints an object. `--one-cell`: the grid's last cell alone (all bids revealed, shading
 * bidders), with twice the episodes, played whole by one worker and in 8 chunks of its
 * episodes by two.
 */
import { rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveStudy } from '../studies/spec.ts';
import { runGrid } from '../studies/grid.ts';
import { median } from './stats.ts';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const TRIALS = quick ? 2 : 3;
const EPISODES = quick ? 50_000 : 200_000;
const log = (msg: string) => {
  if (!args.has('--json')) process.stderr.write(`${msg}\n`);
};

const oneCell = args.has('--one-cell');
const CHUNKS = 8;
const grid = resolveStudy({
  name: 'bench-grid',
  mechanism: 'first-price',
  config: { rounds: 1, values: { kind: 'uniform', low: 0, high: 100 } },
  seats: [{ policy: 'equilibrium', count: 8 }],
  episodes: EPISODES,
  seed: 1,
  // The cells' play is what workers share out; the merged folder's Parquet copy and report are made once, after them, whatever the workers.
  output: { rounds: false, exports: false },
  factors: [
    { name: 'reserve', levels: [{ name: 'none' }, { name: 'r40', config: { reserve: 40 } }] },
    { name: 'reveal', levels: [{ name: 'price', config: { reveal: 'winningPrice' } }, { name: 'bids', config: { reveal: 'allBids' } }] },
    { name: 'bidders', levels: [{ name: 'eq' }, { name: 'shade', seats: [{ policy: 'shader', count: 8, params: { fraction: 0.7 } }] }] },
  ],
});
const episodesPerCell = oneCell ? 2 * EPISODES : EPISODES;
const resolved = oneCell
  ? resolveStudy({
      name: 'bench-one-cell',
      mechanism: 'first-price',
      config: { rounds: 1, values: { kind: 'uniform', low: 0, high: 100 }, reserve: 40, reveal: 'allBids' },
      seats: [{ policy: 'shader', count: 8, params: { fraction: 0.7 } }],
      episodes: episodesPerCell,
      seed: 1,
      output: { rounds: false, exports: false },
    })
  : grid;
const cells = resolved.treatments.length;
const out = join(tmpdir(), `arena-bench-grid-${process.pid}`);

async function once(workers: number): Promise<number> {
  const t = performance.now();
  await runGrid(resolved, { out, replace: true, workers, ...(oneCell && workers > 1 ? { chunk: Math.ceil(episodesPerCell / CHUNKS) } : {}) });
  const seconds = (performance.now() - t) / 1000;
  rmSync(out, { recursive: true, force: true });
  return seconds;
}

log(`${cells} cell${cells === 1 ? '' : 's'} × ${episodesPerCell} episodes, ${availableParallelism()} cores; one worker, then two${oneCell ? ` (the cell in ${CHUNKS} chunks)` : ''}, ${TRIALS} times:`);
await once(1); // warm the compile cache
const one: number[] = [];
const two: number[] = [];
for (let i = 0; i < TRIALS; i++) {
  one.push(await once(1));
  two.push(await once(2));
  log(`  trial ${i + 1}: 1 worker ${one.at(-1)?.toFixed(2)} s, 2 workers ${two.at(-1)?.toFixed(2)} s`);
}
const result = { cells, episodesPerCell, ...(oneCell ? { chunks: CHUNKS } : {}), cores: availableParallelism(), oneWorkerSeconds: median(one), twoWorkersSeconds: median(two), speedup: median(one) / median(two) };
if (args.has('--json')) console.log(JSON.stringify(result, null, 2));
else log(`median: 1 worker ${result.oneWorkerSeconds.toFixed(2)} s, 2 workers ${result.twoWorkersSeconds.toFixed(2)} s → ${result.speedup.toFixed(2)}x (target ≥ 1.7x)`);
