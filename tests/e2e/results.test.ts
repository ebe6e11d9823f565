/**
 * A short double-auction session against ZI-C bots in Chromium, from the projector to the
 * payment list: the projector at 1920×1080 and 1280×720 keeps the supply and demand chart
 * and the price path above the fold, has a large clock, shows the public view until the
 * experimenter turns the measures on, and covers itself while paused; at the end the
 * projector and a phone-sized seat switch to the results (the seat with its own earnings
 * and the completion code, then the redirect); the class's debrief opens only after the
 * end; the payment page converts points and downloads the CSV. Screenshots go to
 * artifacts/screenshots.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ADMIN_TOKEN, SCREENSHOTS, browserAvailable, useWebFixture } from './browser.ts';

const run = browserAvailable();

/** Whether the element's bottom edge lies within the window (above the fold). */
const aboveFold = (page: Page, selector: string) =>
  page.$eval(selector, (el) => {
    const box = el.getBoundingClientRect();
    return { shown: box.height > 0, above: box.bottom <= innerHeight };
  });

describe.runIf(run)('the end of a session in Chromium', () => {
  const fixture = useWebFixture();

  it('runs a market on the projector to its results, debrief and payments', async () => {
    const f = fixture.f;
    const created = await f.api('POST', '/api/sessions', {
      title: 'Classroom market',
      mechanism: 'double-auction',
      config: {
        buyers: [[180, 150, 120], [170, 140, 110], [160, 130, 100]],
        sellers: [[40, 70, 100], [50, 80, 110], [60, 90, 120]],
        periods: 2,
        periodMs: 120_000,
        maxPrice: 200,
        revealSchedules: 'afterPeriod',
        communication: { channels: ['public'] },
      },
      seats: [{ kind: 'human', role: 'buyer' }, { kind: 'bot', policy: 'zi-c', count: 5 }],
      completion: { code: 'ARENA42', redirect: `${f.url}/arenas` },
    });
    expect(created.status).toBe(201);
    const info = created.body as { session: string; seats: { code: string }[] };
    const s = info.session;

    // The projector, on a device that holds the experimenter token.
    const projectorContext = await f.context({ width: 1920, height: 1080 });
    await projectorContext.addInitScript((token) => localStorage.setItem('arena.experimenter', JSON.stringify(token)), ADMIN_TOKEN);
    const projector = await projectorContext.newPage();
    await projector.goto(`${f.url}/watch/${s}?big`);
    // Before the start it seats the room (the class link); the market once it runs.
    await projector.waitForSelector('[data-testid=join-screen]');

    // Before the end the class's debrief is closed.
    const classroom = await (await f.context({ width: 1280, height: 800 })).newPage();
    await classroom.goto(`${f.url}/debrief/${s}`);
    await classroom.waitForSelector('[data-testid=debrief-problem]:has-text("once the session has ended")');

    const seat = await (await f.context()).newPage();
    await seat.goto(`${f.url}/join/${info.seats[0]?.code}`);
    await seat.waitForSelector('#units-h');

    expect((await f.api('POST', `/api/sessions/${s}/control`, { op: 'start' })).status).toBe(200);
    await projector.waitForSelector('[data-testid=price-path] canvas', { timeout: 60_000 });
    expect(await projector.$('[data-testid=join-screen]')).toBeNull();
    // A large clock (at least 48 px), above the fold.
    const clock = () =>
      projector.evaluate(() => {
        const el = document.querySelector('[data-testid=big-clock]');
        if (!el) return null;
        const box = el.getBoundingClientRect();
        return { large: parseFloat(getComputedStyle(el).fontSize) >= 48, above: box.height > 0 && box.bottom <= innerHeight };
      });
    await expect.poll(clock, { timeout: 30_000 }).toEqual({ large: true, above: true });

    // Public view by default: the efficiency only once the experimenter turns the measures on.
    expect(await projector.$('[data-testid=efficiency]')).toBeNull();
    // Clicked in the page: the projector redraws several times a second, which Playwright's own click waits out.
    const toggle = () => projector.$eval('[data-testid=measures-toggle]', (box) => (box as HTMLInputElement).click());
    await toggle();
    await projector.waitForSelector('[data-testid=efficiency]', { timeout: 60_000 });
    await toggle();
    await projector.waitForSelector('[data-testid=efficiency]', { state: 'detached', timeout: 60_000 });
    expect(await projector.$('[data-testid=efficiency]')).toBeNull();

    // Paused: the whole screen says so.
    expect((await f.api('POST', `/api/sessions/${s}/control`, { op: 'pause' })).status).toBe(200);
    await projector.waitForSelector('[data-testid=paused-overlay]', { timeout: 60_000 });
    await projector.screenshot({ path: join(SCREENSHOTS, 'projector-paused-1920x1080.png') });
    const cover = await projector.$eval('[data-testid=paused-overlay]', (el) => {
      const box = el.getBoundingClientRect();
      return box.width >= innerWidth && box.height >= innerHeight;
    });
    expect(cover).toBe(true);
    expect((await f.api('POST', `/api/sessions/${s}/control`, { op: 'resume' })).status).toBe(200);
    await projector.waitForSelector('[data-testid=paused-overlay]', { state: 'detached', timeout: 60_000 });

    // The experimenter closes period 1 once the bots have traded (periods close by command, not by the clock, here).
    await expect.poll(async () => Number(await projector.textContent('[data-testid=trade-count]')), { timeout: 60_000 }).toBeGreaterThan(0);
    expect((await f.api('POST', `/api/sessions/${s}/control`, { op: 'advance' })).status).toBe(200);

    // Period 2: the revealed period 1 draws supply and demand beside the price path, both above
    // the fold. Measured while paused, so the period cannot close meanwhile; the screenshots
    // leave the pause screen out.
    await projector.waitForSelector('[data-testid=supply-demand] canvas', { timeout: 60_000 });
    await projector.waitForSelector('[data-testid=period]:has-text("2 /")');
    expect((await f.api('POST', `/api/sessions/${s}/control`, { op: 'pause' })).status).toBe(200);
    await projector.waitForSelector('[data-testid=paused-overlay]', { timeout: 60_000 });
    const hidePause = await projector.addStyleTag({ content: '[data-testid=paused-overlay] { display: none !important; }' });
    for (const size of [
      { width: 1920, height: 1080 },
      { width: 1280, height: 720 },
    ]) {
      await projector.setViewportSize(size);
      for (const part of ['[data-testid=supply-demand]', '[data-testid=price-path]']) {
        await expect.poll(() => aboveFold(projector, part), { timeout: 30_000 }).toEqual({ shown: true, above: true });
      }
      await projector.screenshot({ path: join(SCREENSHOTS, `projector-market-${size.width}x${size.height}.png`) });
    }
    await hidePause.evaluate((style) => (style as Element).remove());
    expect((await f.api('POST', `/api/sessions/${s}/control`, { op: 'resume' })).status).toBe(200);
    await projector.waitForSelector('[data-testid=paused-overlay]', { state: 'detached', timeout: 60_000 });
    expect((await f.api('POST', `/api/sessions/${s}/control`, { op: 'advance' })).status).toBe(200);

    // The end: the projector and the seat switch to the results.
    await projector.waitForSelector('[data-testid=session-results] [data-testid=period-table]', { timeout: 60_000 });
    expect(await projector.$$eval('[data-testid=period-table] tbody tr', (rows) => rows.length)).toBe(2);
    expect(await projector.textContent('[data-testid=session-results]')).toMatch(/Efficiency/);
    await expect.poll(() => aboveFold(projector, '[data-testid=result-charts]'), { timeout: 30_000 }).toEqual({ shown: true, above: true });
    await projector.screenshot({ path: join(SCREENSHOTS, 'projector-results-1280x720.png') });
    await projector.setViewportSize({ width: 1920, height: 1080 });
    await projector.screenshot({ path: join(SCREENSHOTS, 'projector-results-1920x1080.png') });
    expect(await projector.$('text=Join')).toBeNull();

    await seat.waitForSelector('[data-testid=seat-results] [data-testid=my-earnings]');
    await seat.waitForSelector('[data-testid=period-table]');
    expect(await seat.textContent('[data-testid=completion-code]')).toBe('ARENA42');
    expect(await seat.$('text=Orders open when the session is running')).toBeNull();
    expect(await seat.$('textarea, input[name=price]')).toBeNull();
    await f.shoot(seat, 'seat-results-phone');
    // Then the seat is sent back to the study site.
    await seat.waitForURL(`${f.url}/arenas`, { timeout: 60_000 });

    // The class's debrief, without the token.
    await classroom.reload();
    await classroom.waitForSelector('[data-testid=period-table]');
    expect(await classroom.$$eval('[data-testid=period-table] tbody tr', (rows) => rows.length)).toBe(2);
    const debriefText = (await classroom.textContent('main')) ?? '';
    expect(debriefText).not.toMatch(/ARENA42|Payments|p0/);
    await f.shoot(classroom, 'debrief');

    // The payment list: points at 0.1 a point plus a 5.00 show-up fee for the person.
    const payments = await projectorContext.newPage();
    await payments.setViewportSize({ width: 1280, height: 800 });
    await payments.goto(`${f.url}/payments/${s}`);
    await payments.fill('input[name=rate]', '0.1');
    await payments.fill('input[name=showUpFee]', '5');
    await payments.waitForFunction(() => document.querySelectorAll('[data-testid=payments] tbody tr').length === 6);
    await f.shoot(payments, 'payments');
    const [download] = await Promise.all([payments.waitForEvent('download'), payments.click('button:has-text("Download CSV")')]);
    const csv = readFileSync((await download.path()) as string, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('seat,role,nickname,label,panel_id,holder,points,rate,earnings,show_up_fee,total,currency');
    expect(csv).toHaveLength(7);
    const p0 = csv[1]?.split(',') ?? [];
    expect(p0.slice(0, 2)).toEqual(['p0', 'buyer']);
    expect(p0[5]).toBe('human');
    expect(Number(p0[8])).toBeCloseTo(Math.max(0, Number(p0[6])) * 0.1, 2);
    expect(p0[9]).toBe('5');
  }, 300_000);
});
