/**
 * The limits a stranger meets at the edge of a real server: join codes too many to guess
 * at the rate wrong codes are allowed from one address; the arena directory served from a
 * cache (a burst of requests builds it once) and limited per address; security headers on
 * pages, assets and API answers; socket.io refused from a foreign Origin, as HTTP and the
 * arena websockets are. Requests come from several loopback addresses (127.0.0.x), each a
 * client of its own for the per-address limits.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { startArenaServer, JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, type ArenaServer } from '../../server/arena-server.ts';
import { ARENAS_RATE, JOIN_GUESSES } from '../../server/api.ts';
import { listedPublicly } from '../../server/directory.ts';
import { ArenaRoom } from '../../rooms/arena-room.ts';
import { ADMIN_TOKEN, SECRET, createSession, fromAddress, removeTempDirs, tempDir, waitFor, type AddressReply as Reply, type JoinInfo } from './process-helpers.ts';

let server: ArenaServer;
const sockets: Socket[] = [];

/** A fake built client: an index page and one hashed asset. */
function fakeDist(): string {
  const dist = tempDir('limits-dist');
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>arena</title><script type="module" src="/assets/index-abc123.js"></script>');
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log("arena");');
  return dist;
}

beforeAll(async () => {
  server = await startArenaServer({ port: 0, host: '127.0.0.1', dbPath: join(tempDir('limits'), 'arena.db'), adminToken: ADMIN_TOKEN, tokenSecret: SECRET, botThinkMs: [0, 0], clientDist: fakeDist() });
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
  removeTempDirs();
});

/** One HTTP request from a given loopback address (a client of its own for the per-address limits). */
const from = (address: string, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) => fromAddress(server.port, address, method, path, options);

const join_ = (address: string, code: unknown) => from(address, 'POST', '/api/join', { body: { code } });

const humans = (n: number) => ({ mechanism: 'first-price', config: { rounds: 3, roundMs: null }, seats: [{ kind: 'human', count: n }] });

describe('join codes', () => {
  it('are two groups of five from 31 unambiguous characters, and join typed with or without the dash, in any case', async () => {
    const info = await createSession(server.url, humans(3));
    const group = `[${JOIN_CODE_ALPHABET}]{5}`;
    for (const s of info.seats) expect(s.code).toMatch(new RegExp(`^${group}-${group}$`));
    expect(JOIN_CODE_ALPHABET).toHaveLength(31);
    expect(JOIN_CODE_ALPHABET).not.toMatch(/[01ILO]/);
    const [p0, p1, p2] = info.seats.map((s) => s.code) as [string, string, string];
    expect((await join_('127.0.0.1', p0)).body).toMatchObject({ seat: 'p0' });
    expect((await join_('127.0.0.1', p1.replace('-', '').toLowerCase())).body).toMatchObject({ seat: 'p1' });
    expect((await join_('127.0.0.1', ` ${p2.slice(0, 5)} ${p2.slice(6).toLowerCase()} `)).body).toMatchObject({ seat: 'p2' });
    // The page link carries the code as it is shown.
    const links = ((await from('127.0.0.1', 'GET', `/api/sessions/${info.session}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).body as { seats: { code: string; link: string }[] }).seats;
    for (const s of links) expect(s.link.endsWith(`/join/${s.code}`)).toBe(true);
  });

  it('are too many to guess at the allowed rate: on average more than a million years per address for one code', () => {
    const space = JOIN_CODE_ALPHABET.length ** JOIN_CODE_LENGTH;
    const guessesPerSecond = JOIN_GUESSES.limit / (JOIN_GUESSES.windowMs / 1000);
    const years = space / 2 / guessesPerSecond / (365.25 * 24 * 3600);
    expect(space).toBeGreaterThan(8e14);
    expect(years).toBeGreaterThan(1e6);
  });

  it(`wrong codes: ${JOIN_GUESSES.limit} per address per window, then 429 for every code from that address; right codes do not count; other addresses go on`, async () => {
    const info: JoinInfo = await createSession(server.url, humans(2));
    const right = info.seats[0]?.code as string;
    const attacker = '127.0.0.2';
    // A class behind one address: right codes, however many, spend nothing.
    for (let i = 0; i < JOIN_GUESSES.limit + 5; i++) expect((await join_(attacker, right)).status).toBe(200);
    const wrong = (i: number) => `ZZZZZ-ZZZ${JOIN_CODE_ALPHABET[i % 31]}${JOIN_CODE_ALPHABET[Math.floor(i / 31)]}`;
    for (let i = 0; i < JOIN_GUESSES.limit; i++) expect((await join_(attacker, wrong(i))).status).toBe(404);
    const limited = await join_(attacker, 'ZZZZZ-ZZZZZ');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: expect.stringMatching(/too many/) });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // While limited, even a right code is refused: a guess that hits learns nothing.
    expect((await join_(attacker, right)).status).toBe(429);
    // Another address is a client of its own.
    expect((await join_('127.0.0.3', right)).status).toBe(200);
    expect((await join_('127.0.0.3', 'ZZZZZ-ZZZZZ')).status).toBe(404);
  });
});

describe('the arena directory', () => {
  it('a burst of 32 concurrent requests builds the directory once (twice at most, across one refresh)', async () => {
    const live = { mechanism: 'first-price', config: { rounds: 1000, roundMs: 200 }, seats: [{ kind: 'bot', policy: 'truthful', count: 3 }], autoStart: true, public: true };
    for (let i = 0; i < 3; i++) await createSession(server.url, live);
    const listed = server.sessions.list(100).filter((r) => r.status !== 'interrupted' && listedPublicly(r)).length;
    expect((await from('127.0.0.5', 'GET', '/api/arenas')).status).toBe(200);
    const builds = vi.spyOn(ArenaRoom.prototype, 'syncViews');
    try {
      const replies = await Promise.all(Array.from({ length: 32 }, () => from('127.0.0.5', 'GET', '/api/arenas')));
      expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
      expect((replies[0]?.body as unknown[]).length).toBe(listed);
      // Each build reads every live room once.
      expect(builds.mock.calls.length).toBeLessThanOrEqual(2 * listed);
    } finally {
      builds.mockRestore();
    }
    // The cache follows: a new session is listed soon after.
    const fresh = await createSession(server.url, live);
    await waitFor(async () => ((await from('127.0.0.5', 'GET', '/api/arenas')).body as { session: string }[]).some((e) => e.session === fresh.session), 'the new session in the directory', 5000, 200);
  });

  it(`at most ${ARENAS_RATE.limit} requests per address a minute, then 429; other addresses go on`, async () => {
    const address = '127.0.0.6';
    const statuses: number[] = [];
    for (let sent = 0; sent < ARENAS_RATE.limit; sent += 20) statuses.push(...(await Promise.all(Array.from({ length: Math.min(20, ARENAS_RATE.limit - sent) }, () => from(address, 'GET', '/api/arenas')))).map((r) => r.status));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const limited = await from(address, 'GET', '/api/arenas');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await from('127.0.0.7', 'GET', '/api/arenas')).status).toBe(200);
  });
});

describe('security headers', () => {
  const common = (r: Reply) => {
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(String(r.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    expect(r.headers['x-powered-by']).toBeUndefined();
  };
  const directives = (r: Reply) => new Map(String(r.headers['content-security-policy']).split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name as string, values]));

  it('API answers: nothing may load or frame them, and no browser caches them', async () => {
    for (const r of [await from('127.0.0.8', 'GET', '/api/health'), await from('127.0.0.8', 'POST', '/api/join', { body: { code: 'ZZZZZ-ZZZZZ' } }), await from('127.0.0.8', 'GET', '/api/nope')]) {
      common(r);
      expect(directives(r).get('default-src')).toEqual(["'none'"]);
      expect(r.headers['cache-control']).toBe('no-store');
    }
  });

  it('pages and assets: scripts and styles from the server itself, images also data:, connections to the same host, over plain http too', async () => {
    const page = await from('127.0.0.8', 'GET', '/join/ABCDE-FGHJK');
    expect(page.status).toBe(200);
    common(page);
    const csp = directives(page);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'self'"]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:']);
    expect(csp.get('connect-src')).toEqual(["'self'", `ws://127.0.0.1:${server.port}`, `wss://127.0.0.1:${server.port}`]);
    // A class on a local network uses plain http: nothing may be upgraded or pinned to https.
    expect(csp.has('upgrade-insecure-requests')).toBe(false);
    expect(page.headers['strict-transport-security']).toBeUndefined();
    const asset = await from('127.0.0.8', 'GET', '/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    common(asset);
  });
});

describe('socket.io origins', () => {
  /** Connects to a namespace; resolves with 'connected' or the error it was refused with. */
  function attempt(namespace: string, options: { origin?: string; transport: 'websocket' | 'polling'; auth?: Record<string, string> }): Promise<string> {
    const socket = connect(`${server.url}${namespace}`, { transports: [options.transport], reconnection: false, timeout: 5000, ...(options.auth ? { auth: options.auth } : {}), ...(options.origin ? { extraHeaders: { origin: options.origin } } : {}) });
    sockets.push(socket);
    return new Promise((done) => {
      socket.on('connect', () => {
        done('connected');
        socket.close();
      });
      socket.on('connect_error', (error) => done(`refused: ${error.message}`));
    });
  }

  it.each(['websocket', 'polling'] as const)('a foreign Origin is refused over %s, on both namespaces; the server\'s own origin and origin-less clients connect', async (transport) => {
    expect(await attempt('/', { transport, origin: 'http://evil.example' })).toMatch(/^refused/);
    expect(await attempt('/experimenter', { transport, origin: 'http://evil.example', auth: { token: ADMIN_TOKEN } })).toMatch(/^refused/);
    expect(await attempt('/', { transport, origin: `http://127.0.0.1:${server.port}` })).toBe('connected');
    expect(await attempt('/', { transport, origin: `http://localhost:${server.port}` })).toBe('connected');
    expect(await attempt('/experimenter', { transport, auth: { token: ADMIN_TOKEN } })).toBe('connected');
    expect(await attempt('/', { transport })).toBe('connected');
  });
});
