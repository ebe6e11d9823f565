/**
 * The console's session form in a real Chromium against a real server: an experimenter
 * gives a double-auction market its own value and cost schedule row by row, sees the
 * supply and demand preview with its equilibrium, is told in plain words what is wrong
 * with a bad value (in the browser, and by the server's check), creates the session
 * (private: not on /arenas), posts an announcement that a seat and the projector show
 * until dismissed, and reads the settings page. Screenshots go to artifacts/screenshots.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ADMIN_TOKEN, SCREENSHOTS, browserAvailable, useWebFixture } from './browser.ts';

const run = browserAvailable();

describe.runIf(run)('the console form in Chromium', () => {
  const fixture = useWebFixture();

  it('creates a market from a custom schedule, previews its equilibrium and refuses bad values in plain words', async () => {
    const f = fixture.f;
    const admin = await (await f.context({ width: 1280, height: 900 })).newPage();
    await admin.goto(`${f.url}/console`);
    await admin.fill('#token', ADMIN_TOKEN);
    await admin.click('button:has-text("Sign in")');
    await admin.waitForSelector('[data-testid=config-fields]');
    // Labels, units and defaults come from the schema.
    await admin.waitForSelector('[data-testid=field-periodMs] label:has-text("Period length (seconds)")');
    expect(await admin.textContent('[data-testid=field-periodMs]')).toContain('Default: 180 seconds');

    // Two people and bots; then each buyer's and seller's units given row by row.
    await admin.fill('[data-testid=humans]', '2');
    await admin.fill('[data-testid=bots]', '4');
    await admin.check('[data-testid=given-buyers]');
    await admin.check('[data-testid=given-sellers]');
    const buyers = ['150, 130', '140, 120', '110'];
    const sellers = ['60, 80', '70, 90', '100'];
    for (const [i, row] of buyers.entries()) await admin.fill(`[data-testid=row-buyers-${i}]`, row);
    for (const [i, row] of sellers.entries()) await admin.fill(`[data-testid=row-sellers-${i}]`, row);
    // A row added and removed again.
    await admin.click('[data-testid=add-row-buyers]');
    await admin.waitForSelector('[data-testid=row-buyers-3]');
    await admin.click('[data-testid=field-buyers] button[aria-label="Remove row 4"]');
    await admin.waitForSelector('[data-testid=row-buyers-3]', { state: 'detached' });
    expect(await admin.textContent('[data-testid=fixed-seats]')).toContain('6 traders');

    // The preview: demand 150..110 against supply 60..100 clears 5 units at 100 to 110.
    await admin.waitForSelector('[data-testid=equilibrium-price]:has-text("100 to 110")');
    expect(await admin.textContent('[data-testid=equilibrium-quantity]')).toBe('5');
    await admin.waitForSelector('[data-testid=supply-demand-preview] canvas');
    // The server's benchmarks of the same schedule.
    await admin.waitForSelector('[data-testid=benchmarks] tr:has-text("competitive-equilibrium quantity")');
    expect(await admin.textContent('[data-testid=benchmarks]')).toMatch(/competitive-equilibrium quantity of one period\s*5 units/i);
    await f.shoot(admin, 'console-form-preview');

    // Bad values, said plainly: in the browser at once, and by the server's check of the whole config.
    await admin.fill('[data-testid=row-buyers-1]', '140, 12a');
    await admin.waitForSelector('text=Row 2: \'12a\' is not a number');
    await admin.fill('[data-testid=row-buyers-1]', '140, 120');
    await admin.fill('[data-testid=field-periods] input', '0');
    await admin.waitForSelector('[data-testid=problem-periods]:has-text("Periods: must be from 1 to 1000000")');
    await admin.fill('[data-testid=field-periods] input', '2');
    await admin.fill('[data-testid=field-tick] input', '7');
    await admin.waitForSelector('[data-testid=issue-tick]:has-text("Price step: maxPrice - minPrice must be a whole number of ticks")');
    await f.shoot(admin, 'console-form-bad-value');
    await admin.fill('[data-testid=field-tick] input', '1');
    await admin.waitForSelector('[data-testid=issue-tick]', { state: 'detached' });

    await admin.click('button:has-text("Create session")');
    await admin.waitForSelector('[data-testid=session-panel] [data-testid=join-code-p0]');
    const list = (await f.api('GET', '/api/sessions')).body as { session: string }[];
    const created = list.at(-1)?.session ?? list[0]?.session;
    const row = f.server.sessions.get(created as string);
    const spec = JSON.parse(row?.spec ?? '{}') as { config: Record<string, unknown>; public: boolean };
    expect(spec.config).toMatchObject({ buyers: [[150, 130], [140, 120], [110]], sellers: [[60, 80], [70, 90], [100]], periods: 2, tick: 1 });
    expect(spec.public).toBe(false);
    // Private: not on the public arena page.
    expect(((await f.api('GET', '/api/arenas')).body as { session: string }[]).map((e) => e.session)).not.toContain(created);

    // An announcement: the seat and the projector show it until dismissed.
    const code = (await admin.textContent('[data-testid=join-code-p0]'))?.trim() as string;
    const phone = await (await f.context()).newPage();
    await phone.goto(`${f.url}/join/${code}`);
    await phone.waitForSelector('text=/You are a (buyer|seller)/');
    const projector = await admin.context().newPage();
    await projector.setViewportSize({ width: 1920, height: 1080 });
    await projector.goto(`${f.url}/watch/${created}?big`);
    await projector.waitForSelector('[data-testid=session-status]');
    await admin.fill('[data-testid=announcement-text]', 'Trading opens in one minute');
    await admin.click('[data-testid=announce]');
    await phone.waitForSelector('[data-testid=announcement]:has-text("Trading opens in one minute")');
    await projector.waitForSelector('[data-testid=announcement]:has-text("Trading opens in one minute")');
    await f.shoot(phone, 'seat-announcement');
    await f.shoot(projector, 'projector-announcement');
    await phone.click('[data-testid=dismiss-announcement]');
    await phone.waitForSelector('[data-testid=announcement]', { state: 'detached' });
    // Dismissed on this device only; a reload keeps it dismissed.
    await phone.reload();
    await phone.waitForSelector('text=/You are a (buyer|seller)/');
    expect(await phone.$('[data-testid=announcement]')).toBeNull();
    expect(await projector.$('[data-testid=announcement]')).not.toBeNull();
  }, 120_000);

  it('hides demo sessions from the console\'s list until asked to show them', async () => {
    const f = fixture.f;
    const demo = (await f.api('POST', '/api/sessions', { title: 'A demo market', mechanism: 'first-price', seats: [{ kind: 'bot', policy: 'truthful', count: 2 }] })).body as { session: string };
    f.server.sessions.markDemo(demo.session);
    const mine = (await f.api('POST', '/api/sessions', { title: 'My lab session', mechanism: 'first-price', seats: [{ kind: 'human', count: 2 }] })).body as { session: string };
    expect(mine.session).toBeTruthy();
    const admin = await (await f.context({ width: 1280, height: 900 })).newPage();
    await admin.goto(`${f.url}/console`);
    await admin.fill('#token', ADMIN_TOKEN);
    await admin.click('button:has-text("Sign in")');
    await admin.waitForSelector('[data-testid=session-list] button:has-text("My lab session")');
    expect(await admin.$('[data-testid=session-list] button:has-text("A demo market")')).toBeNull();
    await admin.check('[data-testid=show-demos]');
    await admin.waitForSelector('[data-testid=session-list] button:has-text("A demo market")');
  }, 60_000);

  it('lists every mechanism\'s settings with their meaning on /settings', async () => {
    const f = fixture.f;
    const page = await (await f.context({ width: 1280, height: 900 })).newPage();
    await page.goto(`${f.url}/`);
    await page.click('a:has-text("Every mechanism\'s settings")');
    await page.waitForSelector('[data-testid=settings-double-auction]');
    const market = await page.textContent('[data-testid=settings-double-auction]');
    expect(market).toContain('Period length');
    expect(market).toContain('How long a trading period lasts');
    expect(await page.textContent('[data-testid=settings-public-goods]')).toContain('how much each player gets from each point in the group account');
    expect(await page.$$('[data-testid^=settings-]')).toHaveLength(((await f.api('GET', '/api/settings')).body as unknown[]).length);
    await f.shoot(page, 'settings-page');
    // The screen as one reads it, at the double auction's settings.
    await page.goto(`${f.url}/settings#double-auction`);
    await page.waitForSelector('[data-testid=settings-double-auction]');
    await page.locator('[data-testid=settings-double-auction]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-page-market.png') });
  }, 60_000);
});
