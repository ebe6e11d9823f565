/**
 * One Calvano et al. (2020) baseline session (two Q-learning firms, β = 4×10⁻⁶, to convergence)
 * through the engine: the bertrand mechanism, the match runner and the policy interface, as
 * `arena run studies/examples/calvano.json` plays each episode. Spawned by bench/calvano.ts;
 * prints the periods, CPU seconds and the process's peak RSS as JSON.
 */
import { resolveStudy } from '../studies/spec.ts';
import { runStudy, type EpisodeResult } from '../studies/runner.ts';

const seed = Number(process.argv[2] ?? 1);
const study = resolveStudy({
  name: 'bench-calvano',
  mechanism: 'bertrand',
  config: { periods: 100_000_000, recall: 0 },
  seats: [{ policy: 'q-learning', count: 2 }],
  episodes: 1,
  seed,
  output: { rounds: false },
  learning: {},
});
let episode: EpisodeResult | null = null;
const since = process.cpuUsage();
runStudy(study, { onEpisode: (e) => (episode = e) });
const used = process.cpuUsage(since);
const e = episode as EpisodeResult | null;
process.stdout.write(JSON.stringify({ periods: e?.metrics.periods ?? 0, converged: e?.metrics.converged === 1, gain: e?.metrics.cycle_profit_gain ?? null, cpuSeconds: (used.user + used.system) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
