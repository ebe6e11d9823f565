/**
 * Paths nobody serves: outside /api an HTML page with status 404 (the web client's own page
 * when it is built, which shows "Page not found"; a small page of words without it), never
 * Express's bare "Cannot GET /nope"; under /api the JSON 404 stays.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArenaServer, type ArenaServer } from '../../server/arena-server.ts';
import { tempDir } from '../temp.ts';

const options = { port: 0, host: '127.0.0.1', adminToken: 'not-found-admin-token-0123456789ab', tokenSecret: 'not-found-token-secret-0123456789ab', botThinkMs: [0, 0] as [number, number] };
const CLIENT_PAGE = '<!doctype html><title>arena client</title><div id="app"></div>';

let built: ArenaServer;
let bare: ArenaServer;

beforeAll(async () => {
  const dist = tempDir('not-found-dist');
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), CLIENT_PAGE);
  built = await startArenaServer({ ...options, dbPath: join(tempDir('not-found'), 'arena.db'), clientDist: dist });
  bare = await startArenaServer({ ...options, dbPath: join(tempDir('not-found-bare'), 'arena.db'), clientDist: null });
});

afterAll(async () => {
  await built?.close();
  await bare?.close();
});

describe('an unknown path', () => {
  it('is the web client with status 404, so the client shows its page-not-found', async () => {
    for (const path of ['/nope', '/join', '/watch/a/b/c', '/arenas/extra']) {
      const res = await fetch(`${built.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy'), path).toContain("default-src 'self'");
      const text = await res.text();
      expect(text, path).toBe(CLIENT_PAGE);
      expect(text).not.toContain('Cannot GET');
    }
  });

  it('is a page of plain words without the client, the path shown escaped', async () => {
    const res = await fetch(`${bare.url}/nope/%3Cb%3Ehi`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const text = await res.text();
    expect(text).toContain('<h1>Page not found</h1>');
    expect(text).toContain('There is no page at <code>/nope/&#60;b&#62;hi</code>');
    expect(text).toContain('<a href="/">start page</a>');
    expect(text).not.toContain('<b>hi');
    const post = await fetch(`${built.url}/nope`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect(await post.text()).toContain('Page not found');
  });

  it('under /api stays a JSON 404', async () => {
    const res = await fetch(`${built.url}/api/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no such endpoint' });
  });

  it('leaves the pages and the matchmaker alone', async () => {
    expect((await fetch(`${built.url}/arenas`)).status).toBe(200);
    expect((await fetch(`${built.url}/__healthcheck`)).status).toBe(200);
  });
});
