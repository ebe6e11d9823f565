/**
 * `npm run bench:llm`: what LLM seats cost besides the model, against the local fake
 * endpoint (tests/llm/fake-openai.ts). Reports medians of one run:
 *
 * - overhead per decision with a zero-latency endpoint: a decision's wall time minus the
 *   HTTP call's (prompt building, schema, validation, recording), headless;
 * - 100 LLM seats in 10 live rooms with 500 ms of endpoint latency: time for a round to
 *   finish (the last bid of round 1, on each room's clock), through the real server;
 * - token accounting: the records' tokens against the fake endpoint's reported usage.
 *
 * `--json` prints an object; `--quick` runs less.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import { FakeOpenAI, answer, bidBounds } from '../tests/llm/fake-openai.ts';
import { resolveStudy } from '../studies/spec.ts';
import { runStudyAsync } from '../studies/runner.ts';
import { LlmRuntime } from '../bots/llm/index.ts';
import { startArenaServer } from '../server/arena-server.ts';
import { median } from './stats.ts';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const log = (msg: string) => {
  if (!args.has('--json')) process.stderr.write(`${msg}\n`);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function overhead(): Promise<{ decisions: number; decisionMs: number; httpMs: number; overheadMs: number; tokensMatch: boolean }> {
  const fake = await new FakeOpenAI((req) => answer({ type: 'bid', amount: bidBounds(req).max / 2 })).start();
  const runtime = new LlmRuntime({}, {});
  const overheads: number[] = [];
  const totals: number[] = [];
  const https: number[] = [];
  runtime.observe = (t) => totals.push(t.elapsedMs);
  const resolved = resolveStudy({
    name: 'bench-llm',
    mechanism: 'first-price',
    config: { rounds: 10, reveal: 'allBids' },
    seats: [{ policy: 'llm', count: 5, params: { model: 'fake', baseURL: fake.baseURL, tools: [], history: 5 } }, { policy: 'equilibrium', count: 5 }],
    episodes: quick ? 10 : 40,
    seed: 1,
    output: { events: true },
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-llm-'));
  const report = await runStudyAsync(resolved, { out: join(dir, 'out'), llm: runtime });
  // Every decision's HTTP time is in its record; the wall time came through observe, in the same order.
  const { readFileSync } = await import('node:fs');
  const calls = readFileSync(join(dir, 'out', 'llm-transcript.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { latencyMs: number; promptTokens: number; completionTokens: number });
  calls.forEach((c, i) => {
    https.push(c.latencyMs);
    overheads.push((totals[i] as number) - c.latencyMs);
  });
  const prompt = calls.reduce((n, c) => n + c.promptTokens, 0);
  const completion = calls.reduce((n, c) => n + c.completionTokens, 0);
  const tokensMatch = prompt === fake.usage.prompt && completion === fake.usage.completion && report.llm?.study.promptTokens === fake.usage.prompt;
  await fake.close();
  runtime.close();
  rmSync(dir, { recursive: true, force: true });
  return { decisions: calls.length, decisionMs: median(totals), httpMs: median(https), overheadMs: median(overheads), tokensMatch };
}

async function liveRound(rooms: number, seatsPerRoom: number, latencyMs: number): Promise<{ roundMs: number[]; tokensMatch: boolean; fallbacks: number }> {
  const fake = await new FakeOpenAI((req) => ({ ...answer({ type: 'bid', amount: bidBounds(req).max / 2 }), delayMs: latencyMs })).start();
  const dir = mkdtempSync(join(tmpdir(), 'bench-llm-live-'));
  const server = await startArenaServer({ port: 0, host: '127.0.0.1', dbPath: join(dir, 'arena.db'), adminToken: 'bench-admin-token-0123456789abcdef', tokenSecret: 'bench-secret-0123456789abcdef', botThinkMs: [0, 0] });
  try {
    const sessions: string[] = [];
    for (let r = 0; r < rooms; r++) {
      const row = await server.createSession({
        mechanism: 'first-price',
        config: { rounds: 2, roundMs: 10_000 },
        seats: [{ kind: 'bot', policy: 'llm', count: seatsPerRoom, params: { model: 'fake', baseURL: fake.baseURL, deadlineMs: 5000 } }],
        llm: { concurrency: { global: 1000, perEndpoint: 1000 } },
      });
      sessions.push(row.id);
    }
    await sleep(300);
    for (const id of sessions) (await server.room(id))?.control('start', 'bench');
    const roundDone = (id: string) => server.ledger.events(id).filter((e) => e.kind === 'round_closed').length > 0;
    const until = Date.now() + 20_000;
    while (Date.now() < until && !sessions.every(roundDone)) await sleep(50);
    const roundMs = sessions.map((id) => server.ledger.events(id).find((e) => e.kind === 'round_closed')?.at ?? Number.NaN);
    for (const id of sessions) (await server.room(id))?.control('end', 'bench');
    await sleep(200);
    const calls = sessions.flatMap((id) => server.ledger.events(id).filter((e) => e.kind === 'llm_call'));
    const prompt = calls.reduce((n, c) => n + (c.data.promptTokens as number), 0);
    const completion = calls.reduce((n, c) => n + (c.data.completionTokens as number), 0);
    const fallbacks = calls.filter((c) => c.data.fallback !== null).length;
    return { roundMs, tokensMatch: prompt === fake.usage.prompt && completion === fake.usage.completion, fallbacks };
  } finally {
    await server.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

log('overhead per decision, headless, zero-latency fake endpoint (5 LLM + 5 scripted bidders, 10 rounds):');
const o = await overhead();
log(`  ${o.decisions} decisions: wall ${o.decisionMs.toFixed(3)} ms, HTTP ${o.httpMs.toFixed(3)} ms, overhead ${o.overheadMs.toFixed(3)} ms (medians)`);
log('100 LLM seats in 10 live rooms, 500 ms endpoint latency:');
const live = await liveRound(10, 10, 500);
log(`  round finished after ${live.roundMs.map((x) => Math.round(x)).join(', ')} ms (room clocks), ${live.fallbacks} fallbacks`);

const result = {
  llm_decision_overhead_ms: Math.round(o.overheadMs * 1000) / 1000,
  llm_decision_wall_ms: Math.round(o.decisionMs * 1000) / 1000,
  llm_decision_http_ms: Math.round(o.httpMs * 1000) / 1000,
  live_100_seats_round_ms_median: Math.round(median(live.roundMs)),
  live_100_seats_round_ms_max: Math.round(Math.max(...live.roundMs)),
  live_fallbacks: live.fallbacks,
  tokens_match_fake_usage: o.tokensMatch && live.tokensMatch,
};
if (args.has('--json')) console.log(JSON.stringify(result, null, 2));
else {
  const table = new Table({ head: ['measure', 'value', 'target'] });
  table.push(
    ['overhead per decision (median)', `${result.llm_decision_overhead_ms} ms`, '<= 2 ms'],
    ['100 LLM seats / 10 rooms / 500 ms: round (median, max)', `${result.live_100_seats_round_ms_median} ms, ${result.live_100_seats_round_ms_max} ms`, '<= 1500 ms'],
    ['tokens recorded = endpoint usage', String(result.tokens_match_fake_usage), 'true'],
  );
  console.log(table.toString());
}
process.exit(0);
