/**
 * A classroom market from start to finish in Chromium, as an instructor on a fresh server
 * runs it: the console's form makes a 20-seat double auction from a schedule typed in row
 * by row and previews its equilibrium; the projector shows one class link and its QR code;
 * 20 phones (browser profiles of their own) open that one link, each gives a nickname and
 * lands on a seat of its own; three periods run on the projector while some of the class
 * trade; at the end the projector and the phones show the results, the class sees the
 * debrief, the experimenter downloads the payment list and the tidy tables, and the
 * finished session replays on its replay page. Screenshots at projector and phone sizes go
 * to artifacts/screenshots.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unzipSync, strFromU8 } from 'fflate';
import type { Page } from 'playwright-core';
import { ADMIN_TOKEN, browserAvailable, useWebFixture } from './browser.ts';

const run = browserAvailable();

const CLASS = 20;
/** Ten buyers with one unit each (200 down to 110) and ten sellers (30 up to 120): 9 units clear at 110 to 120. */
const VALUES = Array.from({ length: CLASS / 2 }, (_, i) => 200 - 10 * i);
const COSTS = Array.from({ length: CLASS / 2 }, (_, i) => 30 + 10 * i);
const PERIOD_SECONDS = 20;

/** The text of a downloaded file (the click that starts the download, on `page`). */
async function downloaded(page: Page, click: () => Promise<unknown>): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFileSync((await file.path()) as string);
}

const started = Date.now();
/** A line on the test's output at each step, so a slow or stuck run says where it is. */
const step = (what: string) => console.log(`classroom ${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);

describe.runIf(run)('a classroom market, from the console to the replay', () => {
  const fixture = useWebFixture();

  it('makes, seats, runs, ends, debriefs, pays and replays a 20-seat market', async () => {
    const f = fixture.f;

    // The instructor's laptop: the console, signed in with the printed token.
    const laptop = await f.context({ width: 1280, height: 900 });
    const admin = await laptop.newPage();
    await admin.goto(`${f.url}/console`);
    await admin.fill('#token', ADMIN_TOKEN);
    await admin.click('button:has-text("Sign in")');
    await admin.waitForSelector('[data-testid=config-fields]');
    await admin.selectOption('[data-testid=preset]', 'double-auction');
    await admin.fill('input[maxlength="120"]', 'Market, week 3');

    step('form');
    // The schedule, one trader a row; every seat a person.
    await admin.check('[data-testid=given-buyers]');
    await admin.check('[data-testid=given-sellers]');
    for (const [key, units] of [['buyers', VALUES], ['sellers', COSTS]] as const) {
      for (const [i, unit] of units.entries()) {
        if (!(await admin.$(`[data-testid=row-${key}-${i}]`))) await admin.click(`[data-testid=add-row-${key}]`);
        await admin.fill(`[data-testid=row-${key}-${i}]`, String(unit));
      }
    }
    await admin.waitForSelector('[data-testid=fixed-seats]:has-text("20 traders")');
    await admin.fill('[data-testid=humans]', String(CLASS));
    await admin.fill('[data-testid=field-periods] input', '3');
    await admin.fill('[data-testid=field-periodMs] input', String(PERIOD_SECONDS));
    // The preview of what was typed: 9 units at 110 to 120.
    await admin.waitForSelector('[data-testid=equilibrium-price]:has-text("110 to 120")');
    expect(await admin.textContent('[data-testid=equilibrium-quantity]')).toBe('9');
    await admin.waitForSelector('[data-testid=supply-demand-preview] canvas');
    await f.shoot(admin, 'classroom-console-form');
    await admin.click('button:has-text("Create session")');
    await admin.waitForSelector('[data-testid=session-panel] [data-testid=class-link]');
    const classLink = ((await admin.textContent('[data-testid=class-link-panel] [data-testid=class-link]')) ?? '').trim();
    const session = (await admin.textContent('#session-h'))?.match(/s[a-z0-9]{6,}/)?.[0] as string;
    expect(session).toBeTruthy();
    const row = f.server.sessions.get(session);
    const spec = JSON.parse(row?.spec ?? '{}') as { config: Record<string, unknown>; seats: { kind: string; count?: number }[] };
    expect(spec.config).toMatchObject({ buyers: VALUES.map((v) => [v]), sellers: COSTS.map((c) => [c]), periods: 3, periodMs: PERIOD_SECONDS * 1000 });
    expect(spec.seats.every((s) => s.kind === 'human')).toBe(true);

    step('created');
    // The projector (the instructor's second screen): the class link and its QR code, full screen.
    const projector = await laptop.newPage();
    await projector.setViewportSize({ width: 1920, height: 1080 });
    await projector.goto(`${f.url}/watch/${session}?big`);
    await projector.waitForSelector('[data-testid=join-screen] canvas, [data-testid=join-screen] svg, [data-testid=join-screen] img');
    expect(await projector.textContent('[data-testid=class-link]')).toBe(classLink.replace(/^https?:\/\//, ''));
    expect(await projector.textContent('[data-testid=seats-taken]')).toBe(`0 of ${CLASS} seats taken`);
    await f.shoot(projector, 'classroom-projector-join-1920');

    step('projector');
    // Twenty phones open the one link, each with a nickname.
    const phones: Page[] = [];
    for (let i = 1; i <= CLASS; i++) {
      const phone = await (await f.context()).newPage();
      await phone.goto(classLink);
      await phone.waitForSelector('[data-testid=class-form]');
      await phone.fill('#nickname', `Student ${i}`);
      await phone.click('button:has-text("Take a seat")');
      await phone.waitForURL(/\/join\//);
      await phone.waitForSelector('#units-h');
      phones.push(phone);
      step(`phone ${i} seated`);
    }
    await expect.poll(() => projector.textContent('[data-testid=seats-taken]'), { timeout: 30_000 }).toBe(`${CLASS} of ${CLASS} seats taken`);
    await f.shoot(phones[0] as Page, 'classroom-phone-seated');
    const said = f.server.ledger.events(session).filter((e) => e.kind === 'participant');
    expect(said).toHaveLength(CLASS);
    expect(new Set(said.map((e) => e.seat)).size).toBe(CLASS);
    expect(said.map((e) => e.data.nickname).sort()).toEqual(Array.from({ length: CLASS }, (_, i) => `Student ${i + 1}`).sort());
    // Nobody's page shows another student's nickname (the session does not show them).
    for (const [i, phone] of phones.entries()) {
      const text = (await phone.textContent('body')) ?? '';
      for (let j = 1; j <= CLASS; j++) if (j !== i + 1) expect(text).not.toMatch(new RegExp(`Student ${j}\\b`));
    }
    const roles = await Promise.all(phones.map(async (p) => ((await p.textContent('#units-h')) ?? '').includes('buyer') ? 'buyer' : 'seller'));
    const buyers = phones.filter((_, i) => roles[i] === 'buyer');
    const sellers = phones.filter((_, i) => roles[i] === 'seller');
    expect([buyers.length, sellers.length]).toEqual([CLASS / 2, CLASS / 2]);

    step('seated');
    // Three periods on the projector; in each, three buyers and three sellers trade.
    await admin.click('button:has-text("Start")');
    await projector.waitForSelector('[data-testid=big-clock]');
    for (let period = 1; period <= 3; period++) {
      await projector.waitForSelector(`[data-testid=period]:has-text("${period} /")`, { timeout: 60_000 });
      step(`period ${period}`);
      for (let k = 0; k < 3; k++) {
        const buyer = buyers[k] as Page;
        const seller = sellers[k] as Page;
        await buyer.waitForSelector(`text=Period ${period} of 3`);
        await buyer.fill('input[name=price]', '150');
        await buyer.click('button:has-text("Place bid")');
        await seller.waitForSelector(`text=Period ${period} of 3`);
        await seller.fill('input[name=price]', '90');
        await seller.click('button:has-text("Place ask")');
      }
      if (period === 2) {
        for (const size of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }]) {
          await projector.setViewportSize(size);
          await projector.waitForSelector('[data-testid=price-path] canvas');
          await f.shoot(projector, `classroom-projector-period-${size.width}`);
        }
        await projector.setViewportSize({ width: 1920, height: 1080 });
      }
    }

    step('periods');
    // The end: the projector and every phone switch to the results.
    await projector.waitForSelector('[data-testid=session-results] [data-testid=period-table]', { timeout: 90_000 });
    expect(await projector.$$eval('[data-testid=period-table] tbody tr', (rows) => rows.length)).toBe(3);
    await f.shoot(projector, 'classroom-projector-results-1920');
    await projector.setViewportSize({ width: 1280, height: 720 });
    await f.shoot(projector, 'classroom-projector-results-1280');
    for (const phone of phones) await phone.waitForSelector('[data-testid=seat-results] [data-testid=my-earnings]', { timeout: 30_000 });
    expect(await (buyers[0] as Page).$('input[name=price]')).toBeNull();
    await f.shoot(buyers[0] as Page, 'classroom-phone-results');
    const trades = f.server.ledger.events(session).filter((e) => e.kind === 'trade');
    expect(trades.length).toBeGreaterThanOrEqual(9);

    step('results');
    // The class's debrief, on the projector through its shareable link.
    const debriefHref = (await projector.getAttribute('[data-testid=debrief-link]', 'href')) as string;
    const classroom = await (await f.context({ width: 1920, height: 1080 })).newPage();
    await classroom.goto(new URL(debriefHref, f.url).href);
    await classroom.waitForSelector('[data-testid=period-table]');
    expect(await classroom.$$eval('[data-testid=period-table] tbody tr', (rows) => rows.length)).toBe(3);
    expect((await classroom.textContent('main')) ?? '').not.toMatch(/Student \d+/);
    await f.shoot(classroom, 'classroom-debrief-1920');

    step('debrief');
    // The payment list: a row a student, by nickname, at 0.05 a point with a 5.00 show-up fee.
    const payments = await laptop.newPage();
    await payments.goto(`${f.url}/payments/${session}`);
    await payments.fill('input[name=rate]', '0.05');
    await payments.fill('input[name=showUpFee]', '5');
    await payments.waitForFunction((n) => document.querySelectorAll('[data-testid=payments] tbody tr').length === n, CLASS);
    await f.shoot(payments, 'classroom-payments');
    const csv = (await downloaded(payments, () => payments.click('button:has-text("Download CSV")'))).toString('utf8').trim().split('\n');
    const header = (csv[0] ?? '').split(',');
    expect(csv).toHaveLength(CLASS + 1);
    const column = (name: string) => csv.slice(1).map((line) => line.split(',')[header.indexOf(name)] as string);
    expect(column('nickname').sort()).toEqual(said.map((e) => e.data.nickname as string).sort());
    for (const [i, points] of column('points').entries()) expect(Number(column('total')[i])).toBeCloseTo(Math.max(0, Number(points)) * 0.05 + 5, 2);

    step('payments');
    // The tidy tables, from the console, with their dictionary.
    await admin.bringToFront();
    const zip = unzipSync(new Uint8Array(await downloaded(admin, () => admin.click('[data-testid=download-tables]'))));
    const names = Object.keys(zip).map((n) => n.split('/').pop() as string);
    expect(names).toEqual(expect.arrayContaining(['participant_rounds.csv', 'trades.csv', 'orders.csv', 'seat_holders.csv', 'chat.csv', 'decisions.csv', 'dictionary.csv']));
    const tradesCsv = strFromU8(zip[Object.keys(zip).find((n) => n.endsWith('/trades.csv') || n === 'trades.csv') as string] as Uint8Array).trim().split('\n');
    expect(tradesCsv.length - 1).toBe(trades.length);

    step('tables');
    // The finished session on its replay page: verified, and a step back in time.
    const [replay] = await Promise.all([laptop.waitForEvent('page'), admin.click('[data-testid=replay-link]')]);
    await replay.waitForSelector('[data-testid=replay-verified]:has-text("Verified")');
    const last = Number(await replay.getAttribute('#event-slider', 'max'));
    expect(last).toBe(f.server.ledger.events(session).length - 1);
    const early = trades[0]?.seq as number;
    await replay.fill('#event-slider', String(early));
    await replay.waitForSelector(`[data-testid=replay-seq] >> text="${early}"`);
    // A link to an event opens the record there.
    await replay.goto(`${f.url}/replay/${session}?at=${last}`);
    await replay.waitForSelector(`[data-testid=replay-seq] >> text="${last}"`);
    await replay.waitForSelector('[data-testid=current-event]');
    await f.shoot(replay, 'classroom-replay');
  }, 420_000);
});
