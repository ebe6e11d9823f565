/**
 * `npm run bench:web`: the web client's targets, in one run, in Debian's Chromium.
 *
 * - Participant JavaScript: every script the seat page loads (/join/CODE), gzipped
 *   (level 9, as a server would send it), summed. Target <= 150 KB.
 * - Join link to interactive: from navigation to /join/CODE in a fresh browser profile
 *   to the bid field being enabled, on localhost, headless; median of --joins trials
 *   (one fresh seat each). Target <= 1 s.
 * - Projector: the big-screen watch page of a 60-seat double auction while SDK clients
 *   holding the 60 seats place --rate orders per second for --seconds. Per rendered
 *   frame, the main-thread time it cost: the work of the state updates applied since the
 *   previous frame (websocket handler plus the microtasks it queued: Svelte's effects,
 *   uPlot's redraw) plus the frame's own style, layout and paint (from the animation
 *   frame callback to a task posted from it). Median and p95 over frames with an update.
 *   Target: median < 16 ms.
 *
 *   node bench/web.ts [--joins N] [--seconds S] [--rate R] [--json]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Client, type Room } from '@colyseus/sdk';
import { chromium, type Browser } from 'playwright-core';
import Table from 'cli-table3';
import { startArenaServer, type ArenaServer } from '../server/arena-server.ts';
import { buildClient, CHROMIUM } from '../tests/e2e/browser.ts';
import type { Legal } from '../mechanisms/core/types.ts';
import { ViewFollower, type FollowedRoom } from '../rooms/views.ts';
import { median, percentile } from './stats.ts';

const { values: opts } = parseArgs({
  options: {
    joins: { type: 'string', default: '11' },
    seconds: { type: 'string', default: '20' },
    rate: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
  },
});
const JOINS = Math.max(1, Number(opts.joins));
const SECONDS = Math.max(3, Number(opts.seconds));
const RATE = Math.max(1, Number(opts.rate));
const ADMIN = 'bench-admin-token-0123456789abcdef';

const quantile = (xs: readonly number[], q: number): number => percentile([...xs].sort((a, b) => a - b), q * 100) ?? NaN;

async function api<T>(server: ArenaServer, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface SessionInfo {
  session: string;
  roomId: string;
  seats: { seat: string; code: string; link: string }[];
}

function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
}

/** Gzipped bytes of every script the seat page loads, and the median time to an enabled bid field. */
async function participant(server: ArenaServer, browser: Browser, dist: string): Promise<{ jsGzipKb: number; scripts: number; joinMs: number[] }> {
  const info = await api<SessionInfo>(server, 'POST', '/api/sessions', {
    title: 'Join bench',
    mechanism: 'first-price',
    config: { rounds: 50, roundMs: 600_000 },
    seats: [{ kind: 'human', count: JOINS + 1 }],
    autoStart: true,
  });
  // Warm the server's file cache and the matchmaker once, as a class would have.
  const joinMs: number[] = [];
  let scripts = new Set<string>();
  for (const [i, seat] of info.seats.entries()) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const loaded = new Set<string>();
    page.on('response', (r) => {
      if (r.request().resourceType() === 'script') loaded.add(new URL(r.url()).pathname);
    });
    const start = Date.now();
    await page.goto(seat.link);
    await page.waitForSelector('input[name=amount]:enabled', { timeout: 15_000 });
    const ms = Date.now() - start;
    if (i > 0) joinMs.push(ms);
    scripts = loaded;
    await context.close();
  }
  let bytes = 0;
  for (const path of scripts) bytes += gzipSync(readFileSync(join(dist, path)), { level: 9 }).length;
  return { jsGzipKb: bytes / 1024, scripts: scripts.size, joinMs };
}

const followers = new WeakMap<Room, ViewFollower>();

/** SDK clients holding every seat, placing `rate` orders a second in total from their legal ranges. */
async function marketLoad(server: ArenaServer, info: SessionInfo): Promise<{ rooms: Room[]; stop: () => number }> {
  const rooms: Room[] = [];
  for (const s of info.seats) {
    const ticket = await api<{ roomId: string; token: string }>(server, 'POST', '/api/join', { code: s.code });
    const room = await new Client(server.url).joinById(ticket.roomId, { token: ticket.token, agent: 'bench' });
    room.onMessage('*', () => undefined);
    followers.set(room, new ViewFollower(room as unknown as FollowedRoom, { views: false }));
    rooms.push(room);
  }
  let sent = 0;
  let k = 0;
  const timer = setInterval(() => {
    const room = rooms[k++ % rooms.length] as Room;
    const state = room.state as { stateId: number };
    const views = followers.get(room);
    const legal: Legal = (views && views.seats[0] !== undefined ? views.legal(views.seats[0]) : null) ?? [];
    const place = legal.find((a) => a.type === 'placeOrder');
    const price = place?.params.price;
    if (!place || price?.kind !== 'number') return;
    const sideSpec = place.params.side;
    const side = sideSpec?.kind === 'choice' ? sideSpec.options[0] : undefined;
    const steps = Math.floor((price.max - price.min) / (price.step ?? 1));
    room.send('act', { stateId: state.stateId, action: { type: 'placeOrder', side, price: price.min + Math.floor(Math.random() * (steps + 1)) * (price.step ?? 1) } });
    sent++;
  }, 1000 / RATE);
  return {
    rooms,
    stop: () => {
      clearInterval(timer);
      return sent;
    },
  };
}

/** Per-frame main-thread cost on the projector page while the market runs. */
async function projector(server: ArenaServer, browser: Browser): Promise<{ frames: number[]; updates: number; orders: number; trades: number }> {
  // 30 buyers and 30 sellers with drawn values and costs: orders cross often enough to trade.
  const info = await api<SessionInfo>(server, 'POST', '/api/sessions', {
    title: 'Projector bench',
    mechanism: 'double-auction',
    config: { buyers: 30, sellers: 30, unitsPerTrader: 50, periods: 1, periodMs: 3_600_000, values: { kind: 'uniformInt', low: 50, high: 200 }, costs: { kind: 'uniformInt', low: 0, high: 150 }, maxPrice: 200, maxOpenOrdersPerTrader: 3 },
    seats: [{ kind: 'human', count: 60 }],
    autoStart: true,
  });
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  await context.addInitScript(() => {
    const w = window as unknown as { __frames: number[]; __updates: number; __pending: number };
    w.__frames = [];
    w.__updates = 0;
    w.__pending = 0;
    const channel = new MessageChannel();
    let afterTask: (() => void) | null = null;
    channel.port1.onmessage = () => afterTask?.();
    const tick = (fn: () => void) => {
      afterTask = fn;
      channel.port2.postMessage(0);
    };
    // Update work: each websocket message's handler plus the microtasks it queued.
    const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage') as PropertyDescriptor;
    Object.defineProperty(WebSocket.prototype, 'onmessage', {
      configurable: true,
      get: desc.get,
      set(this: WebSocket, handler: ((ev: MessageEvent) => unknown) | null) {
        desc.set?.call(
          this,
          handler &&
            function (this: WebSocket, ev: MessageEvent) {
              const t0 = performance.now();
              const out = handler.call(this, ev);
              tick(() => {
                w.__pending += performance.now() - t0;
                w.__updates++;
              });
              return out;
            },
        );
      },
    });
    // Frame work: from the animation frame callback to a task posted from it (style, layout, paint).
    const frame = () => {
      const t0 = performance.now();
      tick(() => {
        if (w.__pending > 0) w.__frames.push(w.__pending + (performance.now() - t0));
        w.__pending = 0;
      });
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  const page = await context.newPage();
  await page.goto(`${server.url}/watch/${info.session}?big`);
  await page.waitForSelector('canvas');
  const load = await marketLoad(server, info);
  await new Promise((r) => setTimeout(r, 1500));
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __updates: number };
    w.__frames = [];
    w.__updates = 0;
  });
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const measured = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __updates: number };
    return { frames: w.__frames, updates: w.__updates, trades: Number(document.querySelector('[data-testid=trade-count]')?.textContent ?? 0) };
  });
  const orders = load.stop();
  for (const room of load.rooms) await room.leave(true).catch(() => undefined);
  await context.close();
  return { ...measured, orders };
}

async function main(): Promise<void> {
  const dist = await buildClient();
  const data = mkdtempSync(join(tmpdir(), 'arena-bench-web-'));
  const server = await startArenaServer({ port: 0, host: '127.0.0.1', dbPath: join(data, 'arena.db'), adminToken: ADMIN, tokenSecret: 'bench-token-secret-0123456789abcdef', clientDist: dist });
  const browser = await launch();
  try {
    const p = await participant(server, browser, dist);
    const proj = await projector(server, browser);
    const result = {
      participant_js_gzip_kb: Number(p.jsGzipKb.toFixed(1)),
      participant_scripts: p.scripts,
      join_to_interactive_ms_median: median(p.joinMs),
      join_to_interactive_ms_p95: quantile(p.joinMs, 0.95),
      join_trials: p.joinMs.length,
      projector_frame_ms_median: Number(median(proj.frames).toFixed(2)),
      projector_frame_ms_p95: Number(quantile(proj.frames, 0.95).toFixed(2)),
      projector_frames: proj.frames.length,
      projector_updates: proj.updates,
      projector_orders_per_s: Number((proj.orders / (SECONDS + 1.5)).toFixed(1)),
      projector_trades: proj.trades,
    };
    if (opts.json) console.log(JSON.stringify(result, null, 2));
    else {
      const table = new Table({ head: ['measure', 'value', 'target'] });
      table.push(
        ['participant JS (gzip)', `${result.participant_js_gzip_kb} KB in ${result.participant_scripts} scripts`, '<= 150 KB'],
        ['join link -> interactive', `median ${result.join_to_interactive_ms_median} ms, p95 ${result.join_to_interactive_ms_p95} ms (${result.join_trials} joins)`, '<= 1000 ms'],
        ['projector frame (60 seats)', `median ${result.projector_frame_ms_median} ms, p95 ${result.projector_frame_ms_p95} ms over ${result.projector_frames} frames`, 'median < 16 ms'],
        ['projector load', `${result.projector_orders_per_s} orders/s, ${result.projector_updates} updates, ${result.projector_trades} trades in the period`, '10 orders/s'],
      );
      console.log(table.toString());
    }
  } finally {
    await browser.close();
    for (const row of server.sessions.list()) (await server.room(row.id))?.control('end', 'bench');
    await server.close();
    rmSync(dist, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  }
}

await main();
