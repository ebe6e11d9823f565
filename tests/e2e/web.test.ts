/**
 * The web client in a real Chromium against a real server: the experimenter creates a
 * double-auction session in the console, two participants join by code and trade with
 * each other and with ZI-C bots, a projector shows the trade and the efficiency, the
 * export holds the trade, and a reload keeps the seat. In a first-price session, no other
 * bidder's value ever appears in a bidder's page. Screenshots go to artifacts/screenshots.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ADMIN_TOKEN, browserAvailable, recordDom, seenText, useWebFixture } from './browser.ts';

const run = browserAvailable();

describe.runIf(run)('web client in Chromium', () => {
  const fixture = useWebFixture();

  async function joinByCode(code: string): Promise<Page> {
    const f = fixture.f;
    const page = await (await f.context()).newPage();
    await page.goto(`${f.url}/`);
    await page.fill('#code', code.toLowerCase());
    await page.click('button:has-text("Join")');
    await page.waitForSelector('text=/You are a (buyer|seller)|Your value|Your endowment/');
    return page;
  }

  it('runs a classroom market from the console to the export', async () => {
    const f = fixture.f;
    const admin = await (await f.context({ width: 1280, height: 900 })).newPage();
    await admin.goto(`${f.url}/console`);
    await f.shoot(admin, 'console-login');
    await admin.fill('#token', ADMIN_TOKEN);
    await admin.click('button:has-text("Sign in")');
    await admin.waitForSelector('text=New session');

    // Two humans and four ZI-C bots, from the preset, with explicit schedules edited as JSON.
    await admin.fill('[data-testid=humans]', '2');
    await admin.fill('[data-testid=bots]', '4');
    await admin.click('button:has-text("Edit as JSON")');
    const spec = JSON.parse(await admin.inputValue('#spec-json')) as { config: Record<string, unknown>; seats: { kind: string; policy?: string; count?: number }[] };
    expect(spec.seats.filter((s) => s.kind === 'human').reduce((n, s) => n + (s.count ?? 1), 0)).toBe(2);
    expect(spec.seats.filter((s) => s.kind === 'bot' && s.policy === 'zi-c').reduce((n, s) => n + (s.count ?? 1), 0)).toBe(4);
    spec.config.buyers = [[180, 170, 160], [120, 100, 80], [110, 90, 70]];
    spec.config.sellers = [[20, 30, 40], [90, 110, 130], [100, 120, 140]];
    // Listed on the public arena page (sessions are private unless marked public).
    (spec as Record<string, unknown>).public = true;
    await admin.fill('#spec-json', JSON.stringify(spec, null, 2));
    await admin.click('button:has-text("Create session")');
    await admin.waitForSelector('[data-testid=session-panel] [data-testid=join-code-p3]');
    await admin.waitForSelector('[data-testid=seat-monitor] [data-testid^=policy-]:has-text("Zero intelligence, constrained")');
    const codes = await admin.$$eval('[data-testid^=join-code-]', (els) => els.map((e) => ({ seat: e.getAttribute('data-testid')?.slice(10), code: e.textContent?.trim() ?? '' })));
    expect(codes.map((c) => c.seat)).toEqual(['p0', 'p3']);
    const session = (await admin.textContent('#session-h'))?.match(/s[a-z0-9]{6,}/)?.[0] as string;
    await admin.click('button:has-text("Start")');
    await admin.waitForSelector('[data-testid=session-status]:has-text("running")');

    const buyer = await joinByCode(codes[0]?.code as string);
    const seller = await joinByCode(codes[1]?.code as string);
    await expect.poll(() => buyer.textContent('#units-h')).toContain('buyer');
    await expect.poll(() => seller.textContent('#units-h')).toContain('seller');

    await buyer.fill('input[name=price]', '150');
    await buyer.click('button:has-text("Place bid")');
    await seller.fill('input[name=price]', '60');
    await seller.click('button:has-text("Place ask")');
    // The buyer's bid at 150 either meets a bot's ask at once or stands until the seller's ask at 60 meets it.
    await buyer.waitForSelector('text=Your trades', { timeout: 30_000 });
    const traded = await buyer.$$eval('table:below(:text("Your trades")) td', (tds) => tds.length);
    expect(traded).toBeGreaterThan(0);
    await f.shoot(buyer, 'seat-double-auction-buyer');
    await f.shoot(seller, 'seat-double-auction-seller');

    // The projector, on the experimenter's device: the trades and the running efficiency.
    const projector = await admin.context().newPage();
    await projector.goto(`${f.url}/watch/${session}?big`);
    await expect.poll(async () => Number(await projector.textContent('[data-testid=trade-count]')), { timeout: 20_000 }).toBeGreaterThan(0);
    // The big screen shows the public view until the experimenter turns the measures on.
    await projector.check('[data-testid=measures-toggle]');
    await expect.poll(() => projector.textContent('[data-testid=efficiency]'), { timeout: 20_000 }).toMatch(/^\d+%$/);
    await projector.waitForSelector('canvas');
    await f.shoot(projector, 'projector-double-auction');

    // A spectator elsewhere sees the market but not the efficiency (experimenter only).
    const spectator = await (await f.context({ width: 1024, height: 768 })).newPage();
    await spectator.goto(`${f.url}/watch/${session}`);
    await expect.poll(async () => Number(await spectator.textContent('[data-testid=trade-count]')), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await spectator.$('[data-testid=efficiency]')).toBeNull();
    await f.shoot(spectator, 'watch-double-auction');

    // A reload keeps the seat (the device kept its ticket) and what it traded.
    const profitBefore = await buyer.textContent('[data-testid=total-profit]');
    await buyer.reload();
    await buyer.waitForSelector('text=You are a buyer');
    expect(await buyer.textContent('header')).toContain('You are Buyer 1');
    expect(await buyer.textContent('[data-testid=total-profit]')).toBe(profitBefore);

    // The buyer moves to a new phone: the seat is held for the first one until the experimenter releases it.
    const phone = await (await f.context()).newPage();
    await phone.goto(`${f.url}/join/${codes[0]?.code}`);
    await phone.waitForSelector('text=already open in another window or device');
    admin.once('dialog', (dialog) => void dialog.accept());
    await admin.click('[data-testid=release-p0]');
    await buyer.waitForSelector('text=The experimenter handed this seat to another device.');
    await phone.reload();
    await phone.waitForSelector('text=You are a buyer');
    expect(await phone.textContent('[data-testid=total-profit]')).toBe(profitBefore);
    await f.shoot(buyer, 'seat-released');

    // The export holds the trade.
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.click('button:has-text("Export JSONL")')]);
    const lines = readFileSync((await download.path()) as string, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; audience: string | string[]; data: Record<string, unknown> });
    expect(lines.filter((e) => e.kind === 'trade').length).toBeGreaterThan(0);
    // The buyer's own fill, addressed to p0 (the ledger's seat is whoever's order made the trade).
    expect(lines.some((e) => e.kind === 'bought' && Array.isArray(e.audience) && e.audience.includes('p0'))).toBe(true);
    await f.shoot(admin, 'console-session');

    const arenas = await spectator.context().newPage();
    await arenas.goto(`${f.url}/arenas`);
    await arenas.waitForSelector('[data-testid=arena-card]');
    await f.shoot(arenas, 'arenas');
    await f.shoot(await (async () => { const p = await spectator.context().newPage(); await p.goto(`${f.url}/`); return p; })(), 'landing');
  }, 90_000);

  it("never shows a bidder another bidder's value", async () => {
    const f = fixture.f;
    const created = await f.api('POST', '/api/sessions', {
      title: 'Leak check',
      mechanism: 'first-price',
      config: { rounds: 3, roundMs: 20_000, values: { kind: 'uniformInt', low: 100_000, high: 999_999 }, bidStep: 1, maxBid: 1_000_000, reveal: 'winningPrice' },
      seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'equilibrium', count: 2 }],
      autoStart: true,
    });
    expect(created.status).toBe(201);
    const info = created.body as { session: string; seats: { seat: string; code: string }[] };
    const pages: { seat: string; page: Page }[] = [];
    for (const s of info.seats) {
      const ctx = await f.context();
      await recordDom(ctx);
      const page = await ctx.newPage();
      await page.goto(`${f.url}/join/${s.code}`);
      await page.waitForSelector('text=Your value');
      pages.push({ seat: s.seat, page });
    }
    for (let round = 1; round <= 3; round++) {
      for (const { page } of pages) {
        await page.waitForSelector(`text=Round ${round} of 3`);
        await page.fill('input[name=amount]', String(round));
        await page.click('button:has-text("Place bid")');
      }
    }
    for (const { page } of pages) await page.waitForSelector('[data-testid=seat-results] [data-testid=my-earnings]');
    await f.shoot(pages[0]?.page as Page, 'seat-first-price');

    const exported = await f.api('GET', `/api/sessions/${info.session}/export.jsonl`);
    const values = exported.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; audience: string[] | string; data: { value?: number } })
      .filter((e) => e.kind === 'round_result')
      .map((e) => ({ seat: (e.audience as string[])[0] as string, value: String(e.data.value) }));
    expect(values.length).toBe(3 * 4);
    for (const { seat, page } of pages) {
      const seen = (await seenText(page)).join('\n');
      for (const v of values) {
        if (v.seat === seat) expect(seen, `${seat} sees its own value`).toContain(v.value);
        else expect(seen, `${seat} must never see ${v.seat}'s value`).not.toContain(v.value);
      }
    }
  }, 90_000);
});
