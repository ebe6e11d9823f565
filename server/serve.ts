/** The `arena serve`, `arena bots` and `arena export` commands. */
import { chmodSync, createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import pc from 'picocolors';
import { startArenaServer } from './arena-server.ts';
import { DEMO_ARENAS } from './demo.ts';
import { CLIENT_DIST } from './web.ts';
import type { LedgerSync } from './storage/sqlite-ledger.ts';
import { openStores } from './storage/stores.ts';
import { deployment, storeFor } from './config.ts';
import { sessionCsv, sessionJsonl, writeChunks, type SessionRecord } from './export.ts';
import { findPolicy, policySupports } from '../bots/registry.ts';
import { UsageError } from './usage-error.ts';
import { runLiveBot, type LiveBot } from '../bots/live.ts';
import { findMechanism } from '../mechanisms/registry.ts';
import type { SeatId } from '../mechanisms/core/types.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DATA = process.env.ARENA_DATA ?? join(ROOT, 'data');

/** A secret from the environment, else generated once and kept (mode 600) under data/. */
function keptSecret(envName: string, file: string): string {
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  const path = join(DATA, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dirname(path), { recursive: true });
  const secret = randomBytes(24).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return secret;
}

const adminToken = () => keptSecret('ARENA_ADMIN_TOKEN', 'admin-token');

/** ARENA_DB_MAX_MB: the ledger file may not grow past this many MiB (sessions pause instead of filling the disk). */
function ledgerCap(text: string | undefined): { ledgerMaxBytes?: number } {
  if (!text) return {};
  const mb = Number(text);
  if (!Number.isFinite(mb) || mb <= 0) throw new UsageError(`ARENA_DB_MAX_MB is '${text}': give a positive number of MiB`);
  return { ledgerMaxBytes: Math.floor(mb * 1024 * 1024) };
}

/** ARENA_DB_SYNC: 'normal' (default) or 'full' (a commit survives a power loss too). */
export function ledgerSync(text: string | undefined): LedgerSync {
  const mode = (text ?? 'normal').toLowerCase();
  if (mode !== 'normal' && mode !== 'full') throw new UsageError(`ARENA_DB_SYNC is '${text}': give normal or full`);
  return mode;
}

export async function serveCommand(opts: { demo: boolean }): Promise<void> {
  const port = Number(process.env.PORT ?? 2567);
  const host = process.env.HOST ?? '127.0.0.1';
  const dbPath = process.env.ARENA_DB ?? join(DATA, 'arena.db');
  const { cluster } = deployment(process.env);
  const server = await startArenaServer({
    port,
    host,
    dbPath,
    store: storeFor(process.env, dbPath, { ...ledgerCap(process.env.ARENA_DB_MAX_MB), sync: ledgerSync(process.env.ARENA_DB_SYNC) }),
    ...(cluster ? { cluster } : {}),
    adminToken: adminToken(),
    tokenSecret: keptSecret('ARENA_SECRET', 'token-secret'),
    origins: (process.env.ARENA_ORIGINS ?? '').split(',').filter(Boolean),
    trustedProxies: (process.env.ARENA_TRUSTED_PROXIES ?? '').split(',').map((a) => a.trim()).filter(Boolean),
    ...ledgerCap(process.env.ARENA_DB_MAX_MB),
    ledgerSync: ledgerSync(process.env.ARENA_DB_SYNC),
    handleSignals: true,
    demos: opts.demo ? DEMO_ARENAS : [],
    // One dim line each: the addresses and the token above stay the thing to read; fresh demo codes are on /arenas.
    onDemoRestarted: (row) => console.log(pc.dim(`${new Date().toISOString().slice(11, 19)} demo "${row.title}" ended and began again (new seats on /arenas)`)),
  });
  const shown = host === '0.0.0.0' ? `http://localhost:${server.port}` : server.url;
  console.log(`${pc.bold('Mechanism Arena')} is live at ${pc.cyan(shown)}`);
  console.log(`  records:           ${server.ledger.path}`);
  if (cluster) console.log(`  cluster:           one process of several on ${new URL(cluster.redisUrl).host} (keys ${cluster.prefix}*), reached at ${cluster.publicAddress}`);
  if (existsSync(join(CLIENT_DIST, 'index.html'))) {
    console.log(`  join a seat:       ${shown}  (type a code below)`);
    console.log(`  live arenas:       ${shown}/arenas`);
    console.log(`  console:           ${shown}/console  (experimenter token below)`);
  } else {
    console.log(pc.yellow('  the web client is not built (npm run build:client); the JSON API answers under /api'));
  }
  console.log(`  API:               ${shown}/api/arenas, POST ${shown}/api/join {"code": "..."}`);
  console.log(`  observatory:       socket.io at ${shown} (public) and ${shown}/experimenter (token)`);
  console.log(`  experimenter token ${pc.yellow(adminToken())}  (from ${process.env.ARENA_ADMIN_TOKEN ? 'ARENA_ADMIN_TOKEN' : join(DATA, 'admin-token')})`);
  for (const row of server.sessions.list(10).filter((r) => r.demo && r.status !== 'interrupted')) {
    const codes = Object.entries(row.codes).map(([seat, code]) => `${seat} ${pc.green(code)}`).join(', ');
    console.log(`  demo: ${row.title.padEnd(30)} ${shown}/watch/${row.id}  open seats: ${codes || 'none'}`);
  }
  console.log(pc.dim('Ctrl-C stops the server; running sessions resume from the ledger on the next start.'));
}

export async function botsCommand(opts: { session: string; policy: string; url: string; count: number; params: string; token?: string }): Promise<void> {
  const factory = findPolicy(opts.policy);
  if (!factory) throw new UsageError(`unknown policy '${opts.policy}' (see arena policies)`);
  let params: unknown;
  try {
    params = factory.paramsSchema.parse(JSON.parse(opts.params));
  } catch (error) {
    throw new UsageError(`--params: ${(error as Error).message}`);
  }
  const token = opts.token ?? adminToken();
  const info = await fetch(`${opts.url}/api/sessions/${encodeURIComponent(opts.session)}`, { headers: { authorization: `Bearer ${token}` } });
  if (!info.ok) throw new UsageError(`${opts.url}: ${info.status} ${((await info.json().catch(() => ({}))) as { error?: string }).error ?? ''}`);
  const session = (await info.json()) as { mechanism: string; seats: { seat: string; code: string }[] };
  const mechanism = findMechanism(session.mechanism);
  if (!mechanism) throw new UsageError(`the server runs ${session.mechanism}, which this client does not know`);
  if (!policySupports(factory, mechanism)) throw new UsageError(`policy '${opts.policy}' does not play ${mechanism.id}`);
  const bots: LiveBot[] = [];
  for (const { seat } of session.seats) {
    if (bots.length >= opts.count) break;
    // The experimenter's bot token makes the seat a bot's; the room refuses it while a person holds the seat.
    const join = await fetch(`${opts.url}/api/sessions/${encodeURIComponent(opts.session)}/seats/${seat}/bot`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ policy: factory.name }),
    });
    if (!join.ok) continue;
    const seatToken = (await join.json()) as { roomId: string; token: string };
    try {
      bots.push(await runLiveBot({ url: opts.url, roomId: seatToken.roomId, token: seatToken.token, seat: seat as SeatId, policy: factory.create(params), mechanism: mechanism.id, seed: Date.now() % 1_000_000, thinkMs: [200, 1000], describe: (v) => mechanism.describe(v) }));
      console.log(`seated ${opts.policy} on ${seat}`);
    } catch (error) {
      console.log(pc.dim(`${seat}: ${(error as Error).message}`));
    }
  }
  if (!bots.length) throw new UsageError('no open seat could be taken');
  console.log(`${bots.length} bot${bots.length === 1 ? '' : 's'} playing; Ctrl-C to stop.`);
  await new Promise<void>((done) => {
    const stop = () => void Promise.all(bots.map((b) => b.stop())).then(() => done());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    for (const b of bots) b.room.onLeave(() => { if (bots.every((x) => !x.room.connection.isOpen)) done(); });
  });
  const accepted = bots.reduce((n, b) => n + b.stats.accepted, 0);
  console.log(`${accepted} actions accepted`);
}

export async function exportCommand(opts: { session: string; format: string; db: string; out?: string }): Promise<void> {
  const config = storeFor(process.env, opts.db);
  if (config.kind === 'sqlite' && !existsSync(opts.db)) throw new UsageError(`${opts.db}: no ledger database here (pass --db FILE, or set ARENA_DATABASE_URL)`);
  if (opts.format !== 'jsonl' && opts.format !== 'csv') throw new UsageError('--format is jsonl, csv or tables');
  const stores = openStores(config);
  const { ledger, sessions } = stores;
  try {
    // Read page by page as it is written out: a long record is never whole in memory.
    const events: SessionRecord = { [Symbol.iterator]: () => ledger.stream(opts.session) };
    const first = events[Symbol.iterator]().next();
    if (first.done) throw new UsageError(`no session '${opts.session}' in ${ledger.path}`);
    const row = sessions.get(opts.session) ?? { id: opts.session, mechanism: String(first.value.data.mechanism), roomId: '', spec: '{}', seed: 0, title: '', status: '', demo: false, createdAt: '', codes: {} };
    const chunks = opts.format === 'jsonl' ? sessionJsonl(events) : sessionCsv(row, events);
    if (opts.out) {
      await writeChunks(createWriteStream(opts.out), chunks);
      console.error(`wrote ${opts.out}`);
    } else await writeChunks(process.stdout, chunks, { end: false });
  } finally {
    await stores.close();
  }
}
