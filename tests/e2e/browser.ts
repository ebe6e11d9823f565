/**
 * End-to-end fixtures: the web client built from source into a temporary folder, a real
 * arena server serving it, and Debian's Chromium driven by playwright-core. Without a
 * Chromium the tests skip with a loud reason, except under CI=true, where they fail.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startArenaServer, type ArenaServer } from '../../server/arena-server.ts';

const ROOT = resolve(import.meta.dirname, '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'artifacts', 'screenshots');
export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

/** Whether the browser tests can run here; under CI a missing browser is a failure, not a skip. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const reason = `${CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to run the browser tests`;
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`\n*** SKIPPING browser tests: ${reason} ***\n`);
  return false;
}

/** Builds the client from source (seconds) so the tests exercise what is in the tree. */
export async function buildClient(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'arena-client-'));
  await build({ configFile: join(ROOT, 'client', 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
  return outDir;
}

export interface WebFixture {
  /** The server now (a restart replaces it). */
  readonly server: ArenaServer;
  readonly url: string;
  /** Stops the server as a deploy would (sessions stay unfinished) and starts it again on the same port and database. */
  restart(): Promise<void>;
  readonly browser: Browser;
  /** A fresh browser profile (its own localStorage), phone-sized unless told otherwise. */
  context(viewport?: { width: number; height: number }): Promise<BrowserContext>;
  /** Saves a full-page screenshot under artifacts/screenshots. */
  shoot(page: Page, name: string): Promise<void>;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown; text: string }>;
  close(): Promise<void>;
}

/**
 * Builds the client, starts a server and a browser. `dbPath` serves an existing ledger (a
 * study recorded with `arena run --db`) instead of a fresh one; the caller removes it.
 */
export async function startWebFixture(options: { botThinkMs?: [number, number]; dbPath?: string } = {}): Promise<WebFixture> {
  const dist = await buildClient();
  const data = mkdtempSync(join(tmpdir(), 'arena-e2e-'));
  const start = (port: number) =>
    startArenaServer({ port, host: '127.0.0.1', dbPath: options.dbPath ?? join(data, 'arena.db'), adminToken: ADMIN_TOKEN, tokenSecret: 'e2e-token-secret-0123456789abcdef', botThinkMs: options.botThinkMs ?? [200, 600], clientDist: dist });
  let server = await start(0);
  /** Whether `server` is up: a restart that failed to start again leaves nothing to close. */
  let up = true;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const contexts: BrowserContext[] = [];
  return {
    get server() {
      return server;
    },
    url: server.url,
    browser,
    async restart() {
      const port = server.port;
      up = false;
      await server.close();
      server = await start(port);
      up = true;
    },
    async context(viewport = { width: 390, height: 844 }) {
      const ctx = await browser.newContext({ viewport, acceptDownloads: true });
      contexts.push(ctx);
      return ctx;
    },
    async shoot(page, name) {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
    async api(method, path, body) {
      const headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
      return { status: res.status, body: parsed, text };
    },
    async close() {
      // Pages first (nothing reconnects while the server goes), then the sessions (their
      // bots leave while the server still answers), then the server, then its files.
      try {
        for (const ctx of contexts) await ctx.close().catch(() => undefined);
        await browser.close();
        if (up) {
          for (const row of server.sessions.list()) {
            const room = await server.room(row.id);
            if (room && room.state.status !== 'ended') room.control('end', 'test');
          }
          up = false;
          await server.close();
        }
      } finally {
        rmSync(dist, { recursive: true, force: true });
        rmSync(data, { recursive: true, force: true });
      }
    },
  };
}

/** Collects every text and attribute value a page ever displays (a MutationObserver from the first paint). */
export async function recordDom(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __seen: string[] }).__seen = seen;
    const take = (node: Node) => {
      if (node.nodeType === Node.TEXT_NODE) seen.push(node.textContent ?? '');
      else if (node instanceof Element) {
        for (const a of Array.from(node.attributes)) seen.push(a.value);
        if (node instanceof HTMLInputElement) seen.push(node.value);
        node.childNodes.forEach(take);
      }
    };
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'characterData') seen.push(r.target.textContent ?? '');
        else if (r.type === 'attributes' && r.target instanceof Element) seen.push(r.target.getAttribute(r.attributeName ?? '') ?? '');
        else r.addedNodes.forEach(take);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

export const seenText = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);

/** One fixture for the tests of a describe block: started before them, closed after. */
export function useWebFixture(): { readonly f: WebFixture } {
  const holder = {} as { f: WebFixture };
  beforeAll(async () => {
    holder.f = await startWebFixture();
  }, 60_000);
  afterAll(async () => {
    await holder.f?.close();
  }, 30_000);
  return holder;
}
