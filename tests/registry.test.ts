/**
 * A mechanism is one folder (DESIGN §3), and nothing outside it names the mechanism. The
 * proof: a throwaway mechanism written here into a temporary folder outside the
 * repository — spec, cases, golden playthroughs, board, watch view and console preset —
 * with ARENA_MECHANISMS_PATH naming that folder and no other edit anywhere, is
 *   (a) listed by the registry,
 *   (b) run by the conformance suite and the golden test, which pass, and
 *   (c) in the client build, with its own board, watch view and preset.
 * Each runs in a child process with that environment, as a deployment would; the three
 * run at once.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './temp.ts';
import { playGolden } from '../mechanisms/core/golden.ts';
import type { AnyMechanism } from '../mechanisms/core/types.ts';
import type { MechanismCases } from '../mechanisms/core/cases.ts';
import { mechanismRoots, scanMechanismUi } from '../client/mechanism-ui.ts';

const ROOT = resolve(import.meta.dirname, '..');
const ID = 'throwaway-pick';
const BOARD_MARKER = 'throwaway-pick board 7d41c9';
const WATCH_MARKER = 'throwaway-pick watch 3be802';
const PRESET_MARKER = 'Throwaway pick preset 91f0aa';

const core = (file: string) => JSON.stringify(join(ROOT, 'mechanisms', 'core', file));

/** The mechanism: each seat picks a number at once; a number nobody else picked pays itself, a shared one nothing. */
const INDEX_TS = `/**
 * ${ID}@1 — each seat picks a number from 1 to \`highest\` at once; a number nobody else
 * picked pays its value, a number two seats picked pays nothing. \`rounds\` rounds.
 * Seats see their own pick, how many picks are in, and the last round's picks.
 */
import { z } from ${JSON.stringify(pathToFileURL(join(ROOT, 'node_modules', 'zod', 'index.js')).href)};
import { strictObject } from ${core('config.ts')};
import { communicationSchema } from ${core('policy.ts')};
import { OPENING, ROUND_RECORD } from ${core('types.ts')};
import type { BaseState, Mechanism, MechEvent, ParticipantRound, SeatId } from ${core('types.ts')};

const configSchema = strictObject({
  rounds: z.number().int().min(1).max(100).default(1),
  highest: z.number().int().min(2).max(9).default(3),
  communication: communicationSchema,
});
type Config = z.infer<typeof configSchema>;
const actionSchema = strictObject({ type: z.literal('pick'), number: z.number().int() });
type Action = z.infer<typeof actionSchema>;

interface Last { readonly round: number; readonly picks: readonly number[] }
interface State extends BaseState {
  readonly config: Config;
  readonly seats: readonly SeatId[];
  readonly round: number;
  readonly picks: readonly (number | null)[];
  readonly last: Last | null;
  readonly totals: readonly number[];
  readonly welfare: number;
  readonly maxWelfare: number;
}
interface PublicView { readonly round: number; readonly rounds: number; readonly over: boolean; readonly picksIn: number; readonly last: Last | null }
interface View extends PublicView { readonly seat: SeatId; readonly myPick: number | null; readonly total: number }

const numbers = (c: Config) => Array.from({ length: c.highest }, (_, i) => i + 1);
/** Welfare when every seat picks a different number, the highest ones. */
const distinct = (c: Config, n: number) => numbers(c).slice(-Math.min(n, c.highest)).reduce((a, b) => a + b, 0);

function close(state: State, stateId: number) {
  const picks = state.picks as number[];
  const pay = picks.map((p) => (picks.filter((q) => q === p).length === 1 ? p : 0));
  const rows: ParticipantRound[] = state.seats.map((seat, i) => ({ round: state.round, seat, role: 'player', fields: { pick: picks[i] as number }, payoff: pay[i] as number, outside: 0 }));
  const events: MechEvent[] = [
    { kind: 'round_closed', audience: 'public', data: { round: state.round, picks } },
    { kind: ROUND_RECORD, audience: 'experimenter', data: { round: state.round, rows } },
  ];
  const over = state.round >= state.config.rounds;
  const rewards = Object.fromEntries(state.seats.flatMap((s, i) => (pay[i] ? [[s, pay[i] as number]] : [])));
  const next: State = {
    ...state,
    stateId,
    phaseId: stateId,
    over,
    round: over ? state.round : state.round + 1,
    picks: over ? picks : state.seats.map(() => null),
    last: { round: state.round, picks },
    totals: state.totals.map((t, i) => t + (pay[i] as number)),
    welfare: state.welfare + pay.reduce((a, b) => a + b, 0),
    maxWelfare: state.maxWelfare + distinct(state.config, state.seats.length),
  };
  return { state: next, events, rewards };
}

const mechanism: Mechanism<Config, State, Action, View, PublicView> = {
  id: '${ID}',
  version: 1,
  title: 'Pick a number nobody else picks',
  traits: { timing: 'simultaneous', utility: 'general', chance: false, private: [] },
  rules: (c) => \`Each of you picks a whole number from 1 to \${c.highest}, all at once. A number nobody else picked pays you its value; a number someone else picked too pays nothing. \${c.rounds} round(s).\`,
  configSchema,
  actionSchema,
  measures: [],
  policies: [],
  seats: () => ({ min: 2, max: 8, roles: (n) => Array.from({ length: n }, () => 'player') }),
  setup: (config, seats) => ({ ...OPENING, config, seats, round: 1, picks: seats.map(() => null), last: null, totals: seats.map(() => 0), welfare: 0, maxWelfare: 0 }),
  legal(state, seat) {
    const i = state.seats.indexOf(seat);
    if (state.over || i < 0 || state.picks[i] !== null) return [];
    return [{ type: 'pick', params: { number: { kind: 'choice', options: numbers(state.config) } } }];
  },
  apply(state, seat, action) {
    const picks = state.picks.slice();
    picks[state.seats.indexOf(seat)] = action.number;
    const picked: State = { ...state, stateId: state.stateId + 1, picks };
    const events: MechEvent[] = [{ kind: 'picked', audience: [seat], data: { round: state.round, number: action.number } }];
    if (picks.some((p) => p === null)) return { ok: true, state: picked, events };
    const closed = close(picked, state.stateId + 1);
    return { ok: true, state: closed.state, events: [...events, ...closed.events], rewards: closed.rewards };
  },
  advance: (state) => ({ state, events: [] }),
  publicView: (state) => ({ round: state.round, rounds: state.config.rounds, over: state.over, picksIn: state.picks.filter((p) => p !== null).length, last: state.last }),
  view(state, seat) {
    const i = state.seats.indexOf(seat);
    return { ...mechanism.publicView(state), seat, myPick: state.picks[i] ?? null, total: state.totals[i] ?? 0 };
  },
  describe: (v) => \`You are \${v.seat}, round \${v.round} of \${v.rounds}. \${v.myPick === null ? 'Pick a number.' : \`You picked \${v.myPick}.\`} Last round: \${v.last ? v.last.picks.join(', ') : 'none'}. Total \${v.total}.\`,
  progress: (state) => ({ round: state.round, rounds: state.config.rounds, unit: 'round', phase: state.over ? 'over' : 'picking' }),
  outcome(state) {
    const payoffs: Record<SeatId, number> = {};
    state.seats.forEach((s, i) => (payoffs[s] = state.totals[i] as number));
    return { payoffs, revenue: 0, welfare: state.welfare, maxWelfare: state.maxWelfare, measures: {} };
  },
  benchmarks: (c, n) => ({ distinct_welfare: { value: distinct(c, n) * c.rounds, unit: 'points', definition: 'total payoff when every seat picks a different number, the highest ones', audience: 'public' } }),
  payoffBounds: (c) => ({ min: 0, max: c.rounds * c.highest }),
  oneRound: (c) => ({ ...c, rounds: 1 }),
};

export default mechanism;
`;

const CASES_TS = `import type { MechanismCases } from ${core('cases.ts')};

export const cases: MechanismCases = {
  golden: [
    { name: 'three-seats-two-rounds', config: { rounds: 2 }, seats: 3, seed: 1 },
    { name: 'crowded', config: { rounds: 3, highest: 2 }, seats: 4, seed: 2 },
  ],
  live: {
    seed: 7,
    config: { rounds: 2 },
    seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'random', count: 2 }],
    decide: (_view, legal) => (legal.length ? { type: 'pick', number: 1 } : null),
    // Nobody holds a private number here.
    secrets: () => new Map(),
  },
};
`;

/** A path from the throwaway's ui/ folder into the repository (a relative import, as the repository's own boards use). */
const fromUi = (ui: string, ...path: string[]) => JSON.stringify(relative(ui, join(ROOT, ...path)));

const BOARD = (ui: string) => `<script lang="ts">
  import ActionForm from ${fromUi(ui, 'client', 'src', 'components', 'ActionForm.svelte')};
  import type { BoardProps } from ${fromUi(ui, 'client', 'src', 'lib', 'mechanism-ui.ts')};
  let { view, legal, act }: BoardProps<{ myPick: number | null }> = $props();
</script>

<h2>${BOARD_MARKER}</h2>
<p>Your pick: {view.myPick ?? 'none yet'}</p>
{#each legal as action (action.type)}<ActionForm {action} submitLabel="Pick" onsubmit={act} />{/each}
`;

const WATCH = (ui: string) => `<script lang="ts">
  import type { WatchProps } from ${fromUi(ui, 'client', 'src', 'lib', 'mechanism-ui.ts')};
  let { view }: WatchProps<{ picksIn: number }> = $props();
</script>

<h2>${WATCH_MARKER}</h2>
<p>{view.picksIn} picks in</p>
`;

const PRESET_TS = `export default {
  label: '${PRESET_MARKER}',
  defaults: { humans: 1, bots: 1, botPolicy: 'random', rounds: 3, roundSeconds: 20 },
  roundWord: 'round',
  config: (_seats: number, rounds: number) => ({ rounds }),
};
`;

/** Writes the mechanism's folder into `root`, golden playthroughs included (as `npm run golden` would record them). */
async function writeMechanism(root: string): Promise<void> {
  const folder = join(root, ID);
  const ui = join(folder, 'ui');
  mkdirSync(join(folder, 'golden'), { recursive: true });
  mkdirSync(ui, { recursive: true });
  writeFileSync(join(folder, 'index.ts'), INDEX_TS);
  writeFileSync(join(folder, 'cases.ts'), CASES_TS);
  writeFileSync(join(ui, 'Board.svelte'), BOARD(ui));
  writeFileSync(join(ui, 'Watch.svelte'), WATCH(ui));
  writeFileSync(join(ui, 'preset.ts'), PRESET_TS);
  const m = ((await import(pathToFileURL(join(folder, 'index.ts')).href)) as { default: AnyMechanism }).default;
  const { cases } = (await import(pathToFileURL(join(folder, 'cases.ts')).href)) as { cases: MechanismCases };
  for (const c of cases.golden) writeFileSync(join(folder, 'golden', `${c.name}.json`), `${JSON.stringify(playGolden(m, c), null, 1)}\n`);
}

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly seconds: number;
}

/** Runs node with `args` in the repository, with ARENA_MECHANISMS_PATH set to `root` (and nothing of this test run's own vitest). */
function node(args: readonly string[], root: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VITEST') && k !== 'NODE_ENV' && k !== 'ARENA_MECHANISMS_PATH') env[k] = v;
  env.ARENA_MECHANISMS_PATH = root;
  env.NO_COLOR = '1';
  delete env.FORCE_COLOR;
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, seconds: (performance.now() - started) / 1000 }));
  });
}

describe('a mechanism is one folder', () => {
  let root = '';
  let runs: { registry: Run; suites: Run; build: Run };
  let dist = '';

  beforeAll(async () => {
    root = tempDir('mechanism');
    await writeMechanism(root);
    dist = join(root, 'dist');
    const [registry, suites, build] = await Promise.all([
      node(['--input-type=module', '-e', `const r = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'mechanisms', 'registry.ts')).href)}); console.log(JSON.stringify({ refs: r.mechanismRefs(), roots: r.MECHANISM_ROOTS }));`], root),
      node([join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'node', '--reporter', 'verbose', 'mechanisms/conformance.test.ts', 'mechanisms/golden.test.ts', '-t', ID], root),
      node([join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'client/vite.config.ts', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'], root),
    ]);
    runs = { registry, suites, build };
    console.log(`registry ${registry.seconds.toFixed(1)} s, conformance and golden ${suites.seconds.toFixed(1)} s, client build ${build.seconds.toFixed(1)} s`);
  }, 120_000);

  it('(a) the registry lists it beside the repository mechanisms, from the same roots the client registry scans', () => {
    expect(runs.registry.code, runs.registry.out).toBe(0);
    const { refs, roots } = JSON.parse(runs.registry.out.trim().split('\n').at(-1) as string) as { refs: string[]; roots: string[] };
    expect(refs).toContain(`${ID}@1`);
    expect(refs).toContain('first-price@1');
    expect(roots.map((r) => resolve(r))).toEqual(mechanismRoots(root));
    // The client registry reads the same folders: the throwaway's views, the repository's too.
    const ui = scanMechanismUi(mechanismRoots(root));
    expect(ui.find((m) => m.id === ID)?.files).toEqual({ board: join(root, ID, 'ui', 'Board.svelte'), watch: join(root, ID, 'ui', 'Watch.svelte'), preset: join(root, ID, 'ui', 'preset.ts') });
    expect(ui.map((m) => m.id)).toEqual(expect.arrayContaining(['double-auction', 'first-price', 'second-price', 'public-goods']));
  });

  it('(b) the conformance suite and the golden playthroughs run over it and pass', () => {
    const { code, out } = runs.suites;
    expect(code, out).toBe(0);
    expect(out).toContain(`${ID}@1 conformance`);
    expect(out).toContain(`${ID} golden playthroughs`);
    expect(out).toMatch(/crowded .*plays exactly as recorded/);
    const passed = Number(/Tests\s+(\d+) passed/.exec(out)?.[1] ?? 0);
    // Five checks of the mechanism, six per case, a golden per case and the orphan check, today.
    expect(passed).toBeGreaterThanOrEqual(5 + 2 * 6 + 3);
    expect(out).not.toMatch(/\d+ failed/);
  });

  it('(c) the client build holds its board, watch view and preset', () => {
    expect(runs.build.code, runs.build.out).toBe(0);
    const assets = join(dist, 'assets');
    const chunks = readdirSync(assets).filter((f) => f.endsWith('.js'));
    const holding = (marker: string) => chunks.filter((f) => readFileSync(join(assets, f), 'utf8').includes(marker));
    const [board] = holding(BOARD_MARKER);
    const [watch] = holding(WATCH_MARKER);
    expect(board, 'a chunk with the board').toBeDefined();
    expect(watch, 'a chunk with the watch view').toBeDefined();
    // Loaded on demand: each is a chunk of its own, not part of the seat page or the watch page.
    expect(board).not.toBe(watch);
    expect(board).toMatch(/^Board-/);
    expect(watch).toMatch(/^Watch-/);
    expect(holding(PRESET_MARKER).length).toBeGreaterThan(0);
  });
});
