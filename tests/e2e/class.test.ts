/**
 * Seating a class in Chromium: the projector shows the class link before the start; two
 * phones open it (one from an online panel's link, with PROLIFIC_PID), give a nickname and
 * land on different seats; the same phone opening the link again comes back to its seat;
 * the console shows each seat's person and attention signals; the seat slips print eight to
 * an A4 page.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, SCREENSHOTS, browserAvailable, useWebFixture } from './browser.ts';

const run = browserAvailable();

describe.runIf(run)('seating a class', () => {
  const fixture = useWebFixture();

  it('seats phones from one class link with nicknames, and prints the seat slips', async () => {
    const f = fixture.f;
    const created = await f.api('POST', '/api/sessions', { title: 'Market, section B', mechanism: 'double-auction', seats: [{ kind: 'human', count: 8 }] });
    expect(created.status).toBe(201);
    const info = created.body as { session: string; seats: { seat: string; code: string }[]; class: { code: string; link: string } };
    const seatsTaken = (page: Page, n: number) => page.waitForFunction((text) => document.querySelector('[data-testid=seats-taken]')?.textContent === text, `${n} of 8 seats taken`);
    const events = () => f.server.ledger.events(info.session);
    const asExperimenter = async (viewport: { width: number; height: number }) => {
      const ctx = await f.context(viewport);
      await ctx.addInitScript((token) => localStorage.setItem('arena.experimenter', JSON.stringify(token)), ADMIN_TOKEN);
      return ctx.newPage();
    };

    // The projector, before the start: the class link and how many seats are taken.
    const projector = await asExperimenter({ width: 1920, height: 1080 });
    await projector.goto(`${f.url}/watch/${info.session}?big`);
    await projector.waitForSelector('[data-testid=join-screen]');
    expect(await projector.textContent('[data-testid=class-link]')).toBe(info.class.link.replace(/^https?:\/\//, ''));
    expect(await projector.textContent('[data-testid=seats-taken]')).toBe('0 of 8 seats taken');
    await f.shoot(projector, 'class-projector-1920');

    // A phone from an online panel's link: the id is filled in from PROLIFIC_PID.
    const phoneA = await (await f.context()).newPage();
    await phoneA.goto(`${info.class.link}?PROLIFIC_PID=pid5f3c9e1a&STUDY_ID=st42`);
    await phoneA.waitForSelector('[data-testid=class-form]');
    expect(await phoneA.inputValue('#label')).toBe('pid5f3c9e1a');
    await phoneA.fill('#nickname', 'Ada');
    await phoneA.selectOption('#role', 'seller');
    await f.shoot(phoneA, 'class-page-phone');
    await phoneA.click('button:has-text("Take a seat")');
    await phoneA.waitForURL(/\/join\//);
    await phoneA.waitForSelector('header');
    const seatA = new URL(phoneA.url()).pathname.split('/').pop() as string;
    const seatOfA = info.seats.find((s) => s.code.replace('-', '') === seatA.replace('-', ''))?.seat as string;
    expect(seatOfA).toBeTruthy();
    await f.shoot(phoneA, 'class-seat-phone');
    const said = events().filter((e) => e.kind === 'participant');
    expect(said.map((e) => [e.seat, e.audience, e.data])).toEqual([[seatOfA, 'experimenter', { nickname: 'Ada', label: 'pid5f3c9e1a', fields: { PROLIFIC_PID: 'pid5f3c9e1a', STUDY_ID: 'st42' } }]]);
    const room = await f.server.room(info.session);
    expect(room?.resolved.seats.find((s) => s.seat === seatOfA)?.role).toBe('seller');

    // The same phone scanning the class QR code again is back on its own seat.
    await phoneA.goto(info.class.link);
    await phoneA.waitForURL(/\/join\//);
    expect(new URL(phoneA.url()).pathname.split('/').pop()).toBe(seatA);
    await phoneA.waitForSelector('header');
    expect(new Set(events().filter((e) => e.kind === 'seat_joined').map((e) => e.seat))).toEqual(new Set([seatOfA]));
    await seatsTaken(projector, 1);

    // A second phone gets another seat.
    const phoneB = await (await f.context()).newPage();
    await phoneB.goto(info.class.link);
    await phoneB.fill('#nickname', 'Bo');
    await phoneB.click('button:has-text("Take a seat")');
    await phoneB.waitForURL(/\/join\//);
    await phoneB.waitForSelector('header');
    const seatOfB = events().filter((e) => e.kind === 'participant' && e.data.nickname === 'Bo')[0]?.seat;
    expect(seatOfB).toBeTruthy();
    expect(seatOfB).not.toBe(seatOfA);
    await seatsTaken(projector, 2);

    // Phone A's window loses focus: an attention signal for the experimenter, nothing on the phone.
    await phoneA.evaluate(() => window.dispatchEvent(new Event('blur')));
    await expect.poll(() => events().filter((e) => e.kind === 'integrity' && e.seat === seatOfA && e.data.signal === 'blur').length).toBe(1);

    // The console: the class link with its QR code, and each seat's person and signals.
    const desk = await asExperimenter({ width: 1280, height: 900 });
    await desk.goto(`${f.url}/console`);
    await desk.click('[data-testid=session-list] button:has-text("Market, section B")');
    await desk.waitForSelector('[data-testid=class-link-panel]');
    expect(await desk.textContent('[data-testid=class-link-panel] [data-testid=class-link]')).toBe(info.class.link);
    await desk.waitForSelector(`[data-testid=person-${seatOfA}]:has-text("pid5f3c9e1a")`);
    expect(await desk.textContent(`[data-testid=person-${seatOfA}]`)).toContain('Ada');
    expect(await desk.textContent(`[data-testid=integrity-${seatOfA}]`)).toContain('left 1');
    await f.shoot(desk, 'class-console-1280');
    await desk.locator('[data-testid=session-panel]').screenshot({ path: join(SCREENSHOTS, 'class-console-panel.png') });
    await desk.click('[data-testid=show-projector]');
    await desk.waitForSelector('[data-testid=join-screen].cover');
    expect(await desk.textContent('[data-testid=join-screen] [data-testid=seats-taken]')).toBe('2 of 8 seats taken');
    await f.shoot(desk, 'class-console-projector-1280');
    await desk.keyboard.press('Escape');
    await desk.waitForSelector('[data-testid=join-screen]', { state: 'detached' });

    // A seat link from an online panel records the panel's id too.
    const phoneC = await (await f.context()).newPage();
    const free = info.seats.find((s) => s.seat !== seatOfA && s.seat !== seatOfB) as { seat: string; code: string };
    await phoneC.goto(`${f.url}/join/${free.code}?PROLIFIC_PID=pid77c0ffee`);
    await phoneC.waitForSelector('header');
    await expect.poll(() => events().find((e) => e.kind === 'participant' && e.seat === free.seat)?.data).toEqual({ nickname: null, label: 'pid77c0ffee', fields: { PROLIFIC_PID: 'pid77c0ffee' } });

    // The other phone never saw Ada's id.
    expect(await phoneB.content()).not.toContain('pid5f3c9e1a');

    // Seat slips: one per human seat, eight to an A4 page.
    const slips = await asExperimenter({ width: 1000, height: 1400 });
    await slips.goto(`${f.url}/slips/${info.session}`);
    await slips.waitForSelector('[data-testid=slip]');
    expect(await slips.locator('[data-testid=slip]').count()).toBe(8);
    for (const s of info.seats) expect(await slips.textContent('[data-testid=slips]')).toContain(s.code);
    await f.shoot(slips, 'class-slips');
    await slips.emulateMedia({ media: 'print' });
    await f.shoot(slips, 'class-slips-print');
    const pdf = (await slips.pdf({ format: 'A4' })).toString('latin1');
    expect(pdf.match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1);
  }, 180_000);
});
