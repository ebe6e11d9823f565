/**
 * The replay page in Chromium: a short headless study recorded into a SQLite ledger by
 * `arena run --db`, a server on that ledger, and a link as a report writes it,
 * `/replay/<match id>?at=<seq>`. The page asks for the experimenter token, opens at that
 * event with it marked in the list, shows the auction's watch view of the state after it
 * (as the API rebuilds it) and a seat's view (its own board), and steps forward with the address following.
 * Screenshots go to artifacts/screenshots.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, browserAvailable, startWebFixture, type WebFixture } from './browser.ts';
import { tempDir } from '../temp.ts';

const run = browserAvailable();
const ROOT = resolve(import.meta.dirname, '../..');
const MATCH = 'replay-check/equilibrium/0';

const STUDY = {
  name: 'replay-check',
  mechanism: 'first-price@1',
  config: { rounds: 3, values: { kind: 'uniformInt', low: 10, high: 90 }, reveal: 'allBids' },
  seats: [{ policy: 'equilibrium', count: 3 }],
  episodes: 1,
  seed: 5,
  treatments: [{ name: 'equilibrium' }],
};

interface Line {
  seq: number;
  kind: string;
}
interface State {
  seq: number;
  progress: { round: number };
  publicView: { history: { price: number | null }[] };
  seat: { view: unknown } | null;
}

const money = (x: number | null | undefined) => (x === null || x === undefined ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(2));

describe.runIf(run)('replay page in Chromium', () => {
  let f: WebFixture;

  beforeAll(async () => {
    const dir = tempDir('replay-e2e');
    const db = join(dir, 'arena.db');
    writeFileSync(join(dir, 'study.json'), JSON.stringify(STUDY));
    const recorded = spawnSync(process.execPath, [join(ROOT, 'bin', 'arena.ts'), 'run', join(dir, 'study.json'), '--out', join(dir, 'out'), '--db', db], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(recorded.status, recorded.stderr).toBe(0);
    f = await startWebFixture({ dbPath: db });
  }, 90_000);

  afterAll(async () => {
    await f?.close();
  }, 30_000);

  it('opens a record at an event, shows the state after it, and steps on', async () => {
    const record = await f.api('GET', `/api/records/${encodeURIComponent(MATCH)}`);
    expect(record.status).toBe(200);
    const lines = (record.body as { events: Line[] }).events;
    // The event of the finding: round 2 closes.
    const at = lines.filter((e) => e.kind === 'round_closed')[1]?.seq as number;
    expect(at).toBeGreaterThan(0);
    const stateAt = async (seq: number, seat?: string) => (await f.api('GET', `/api/records/${encodeURIComponent(MATCH)}/state?at=${seq}${seat ? `&seat=${seat}` : ''}`)).body as State;

    const page = await (await f.context()).newPage();
    await page.goto(`${f.url}/replay/${MATCH}?at=${at}`);
    // No token on this device yet: the page asks for it, as the console does.
    await page.waitForSelector('text=Only the experimenter may open records.');
    await page.fill('#token', ADMIN_TOKEN);
    await page.click('button:has-text("Sign in")');

    await page.waitForSelector(`[data-testid=state-seq]:text-is("${at}")`);
    expect(await page.textContent('[data-testid=replay-match]')).toBe(MATCH);
    expect(await page.textContent('[data-testid=replay-verified]')).toBe('Verified');
    expect(await page.textContent('[data-testid=replay-mechanism]')).toBe('First-price sealed-bid auction');
    const current = page.locator('[aria-current=step]');
    expect(await current.getAttribute('data-seq')).toBe(String(at));
    expect(await current.textContent()).toContain('round_closed');
    expect(await page.inputValue('#event-slider')).toBe(String(at));

    // The auction's own watch view shows the state after that event, as the engine rebuilds it.
    const after = await stateAt(at);
    expect(after.progress.round).toBe(3);
    expect(await page.textContent('[data-testid=round]')).toBe(`${after.progress.round} / 3`);
    expect(await page.textContent('[data-testid=last-price]')).toBe(money(after.publicView.history.at(-1)?.price));
    await page.waitForSelector('canvas');
    await f.shoot(page, 'replay-phone');

    // One step forward: the next event is marked, its state shown, and the address follows.
    await page.click('button[aria-label="Step forward one event"]');
    await page.waitForSelector(`[data-testid=state-seq]:text-is("${at + 1}")`);
    expect(await current.getAttribute('data-seq')).toBe(String(at + 1));
    expect(new URL(page.url()).searchParams.get('at')).toBe(String(at + 1));
    expect(await page.textContent('[data-testid=current-event]')).toContain(lines[at + 1]?.kind);

    // A seat's view after that event.
    await page.selectOption('#seat-select', 'p0');
    await page.waitForSelector('[data-testid=seat-board] section');
    const seat = await stateAt(at + 1, 'p0');
    expect(JSON.parse((await page.textContent('[data-testid=seat-view]')) as string)).toEqual(seat.seat?.view);
    // The seat's own board, as the bidder saw it.
    expect(await page.textContent('[data-testid=seat-board]')).toContain('Your value');

    // Stepping back returns to the event of the link; a reload opens where the address says.
    await page.click('button[aria-label="Step back one event"]');
    await page.waitForSelector(`[data-testid=state-seq]:text-is("${at}")`);
    expect(new URL(page.url()).searchParams.get('at')).toBe(String(at));
    await page.reload();
    await page.waitForSelector(`[data-testid=state-seq]:text-is("${at}")`);
    expect(await page.locator('[aria-current=step]').getAttribute('data-seq')).toBe(String(at));

    // Playing steps on by itself until paused.
    await page.click('button:has-text("Play")');
    await page.waitForSelector(`[data-testid=state-seq]:text-is("${at + 2}")`);
    await page.click('button:has-text("Pause")');
    const paused = Number(await page.inputValue('#event-slider'));
    expect(paused).toBeGreaterThanOrEqual(at + 2);
    await page.waitForTimeout(1500);
    expect(Number(await page.inputValue('#event-slider'))).toBe(paused);

    const wide = await (await f.context({ width: 1280, height: 900 })).newPage();
    await wide.addInitScript((token) => localStorage.setItem('arena.experimenter', JSON.stringify(token)), ADMIN_TOKEN);
    await wide.goto(`${f.url}/replay/${encodeURIComponent(MATCH)}?at=${at}`);
    await wide.waitForSelector(`[data-testid=state-seq]:text-is("${at}")`);
    await wide.selectOption('#seat-select', 'p2');
    await wide.waitForSelector('[data-testid=seat-board] section');
    await f.shoot(wide, 'replay');
  }, 90_000);

  it('says so when the match is not in the ledger', async () => {
    const page = await (await f.context()).newPage();
    await page.addInitScript((token) => localStorage.setItem('arena.experimenter', JSON.stringify(token)), ADMIN_TOKEN);
    await page.goto(`${f.url}/replay/no/such/match`);
    await page.waitForSelector("text=There is no record 'no/such/match' on this server.");
  }, 30_000);
});
