/**
 * The replay page of a finished live session, in Chromium: two people and a bot play a
 * public goods game with public and private chat, the experimenter ends it, and the record
 * opens on the replay page. Scrubbing the slider moves the public view and the chat with
 * it; a seat's view is that seat's own board at that event, and the chat pane then holds
 * only what that seat was sent; a link with `?at=` opens there; seats are named "Player 1",
 * never p0. Also: an unknown address is a page-not-found with status 404, and a bad join
 * code says what to do. Screenshots go to artifacts/screenshots.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ADMIN_TOKEN, browserAvailable, useWebFixture } from './browser.ts';

const run = browserAvailable();

interface Line {
  seq: number;
  kind: string;
  seat: string | null;
}

describe.runIf(run)('replay of a live session in Chromium', () => {
  const fixture = useWebFixture();

  async function seat(code: string): Promise<Page> {
    const page = await (await fixture.f.context()).newPage();
    await page.goto(`${fixture.f.url}/join/${code}`);
    await page.waitForSelector('text=Your endowment');
    return page;
  }

  async function say(page: Page, text: string, to?: string): Promise<void> {
    if (to) {
      await page.selectOption('#peer', to);
      await page.click('button:has-text("Open")');
    }
    await page.fill('#chat-text', text);
    await page.click('button:has-text("Send")');
    await page.waitForSelector(`[data-testid=chat-lines] >> text=${text}`);
  }

  it('scrubs a finished session: public view, seat views, chat, and links to an event', async () => {
    const f = fixture.f;
    const created = await f.api('POST', '/api/sessions', {
      title: 'Replay check',
      mechanism: 'public-goods',
      config: { rounds: 2, endowment: 20, mpcr: 0.5, reveal: 'individual', communication: { channels: ['public', 'private'] } },
      seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'conditional-cooperator' }],
    });
    expect(created.status, created.text).toBe(201);
    const info = created.body as { session: string; seats: { seat: string; code: string }[] };
    const code = (s: string) => info.seats.find((x) => x.seat === s)?.code as string;
    expect((await f.api('POST', `/api/sessions/${info.session}/control`, { op: 'start' })).status).toBe(200);

    const first = await seat(code('p0'));
    const second = await seat(code('p1'));
    // A seat page names seats by role and number, never by id.
    expect(await first.textContent('header')).toContain('You are Player 1');
    await say(first, 'Let us all put in 20');
    await say(second, 'I will if you will', 'p0');
    for (const page of [first, second]) {
      await page.fill('input[name=amount]', '20');
      await page.click('button:has-text("Contribute")');
    }
    await first.waitForSelector('text=Round 1');
    expect((await f.api('POST', `/api/sessions/${info.session}/control`, { op: 'end' })).status).toBe(200);

    const record = await f.api('GET', `/api/records/${info.session}`);
    expect(record.status).toBe(200);
    const summary = record.body as { events: Line[]; chat: { seq: number; text: string; channel: string }[]; finalHash: string | null; roles: Record<string, string> };
    expect(summary.finalHash).not.toBeNull();
    expect(summary.roles).toEqual({ p0: 'player', p1: 'player', p2: 'player' });
    expect(summary.chat.map((c) => [c.channel, c.text])).toEqual([
      ['public', 'Let us all put in 20'],
      ['private', 'I will if you will'],
    ]);
    const [publicSeq, privateSeq] = summary.chat.map((c) => c.seq) as [number, number];
    const last = summary.events.length - 1;

    // The console's session panel links to the replay page.
    const admin = await (await f.context({ width: 1280, height: 900 })).newPage();
    await admin.addInitScript((token) => localStorage.setItem('arena.experimenter', JSON.stringify(token)), ADMIN_TOKEN);
    await admin.goto(`${f.url}/console`);
    await admin.click('button:has-text("Replay check")');
    expect(await admin.getAttribute('[data-testid=replay-link]', 'href')).toBe(`/replay/${info.session}`);

    // A link to the public message opens there: that message in the chat, the private one not yet.
    const page = await (await f.context({ width: 1280, height: 900 })).newPage();
    await page.addInitScript((token) => localStorage.setItem('arena.experimenter', JSON.stringify(token)), ADMIN_TOKEN);
    await page.goto(`${f.url}/replay/${info.session}?at=${publicSeq}`);
    await page.waitForSelector(`[data-testid=state-seq]:text-is("${publicSeq}")`);
    expect(await page.locator('[aria-current=step]').getAttribute('data-seq')).toBe(String(publicSeq));
    const chatText = () => page.textContent('[data-testid=replay-chat]');
    expect(await chatText()).toContain('Let us all put in 20');
    expect(await chatText()).not.toContain('I will if you will');
    expect(await page.textContent('[data-testid=replay-chat]')).toContain('Player 1');
    expect(await page.$('[data-testid=replay-live]')).toBeNull();

    // Scrubbing to the end: the private message too, and the public view after round 1.
    await page.locator('#event-slider').fill(String(last));
    await page.waitForSelector(`[data-testid=state-seq]:text-is("${last}")`);
    expect(new URL(page.url()).searchParams.get('at')).toBe(String(last));
    expect(await chatText()).toContain('I will if you will');
    await f.shoot(page, 'replay-live-public');

    // A seat's view: its own board as it saw it, and only the chat it was sent.
    await page.selectOption('#seat-select', 'p2');
    await page.waitForSelector('h3:has-text("What Player 3 sees")');
    await page.waitForSelector('[data-testid=seat-board] >> text=Your endowment');
    expect(await chatText()).toContain('Let us all put in 20');
    expect(await chatText()).not.toContain('I will if you will');
    await page.selectOption('#seat-select', 'p0');
    await page.waitForSelector('h3:has-text("What Player 1 sees")');
    await page.waitForSelector('[data-testid=seat-board] >> text=Your endowment');
    expect(await chatText()).toContain('I will if you will');
    const seatView = JSON.parse((await page.textContent('[data-testid=seat-view]')) as string) as { seat: string; history: unknown[] };
    expect(seatView.seat).toBe('p0');
    const options = await page.$$eval('#seat-select option', (els) => els.map((e) => e.textContent ?? ''));
    expect(options.slice(1).map((o) => o.split(' · ')[0])).toEqual(['Player 1', 'Player 2', 'Player 3']);
    expect(options[3]).toContain('Contributes');
    await f.shoot(page, 'replay-live-seat');

    // Picking a chat message goes to its event; the address follows, and a reload opens there.
    await page.click(`[data-chat-seq="${privateSeq}"]`);
    await page.waitForSelector(`[data-testid=state-seq]:text-is("${privateSeq}")`);
    expect(new URL(page.url()).searchParams.get('at')).toBe(String(privateSeq));
    await page.reload();
    await page.waitForSelector(`[data-testid=state-seq]:text-is("${privateSeq}")`);
    expect(await page.inputValue('#event-slider')).toBe(String(privateSeq));

    const phone = await (await f.context()).newPage();
    await phone.addInitScript((token) => localStorage.setItem('arena.experimenter', JSON.stringify(token)), ADMIN_TOKEN);
    await phone.goto(`${f.url}/replay/${info.session}?at=${privateSeq}`);
    await phone.waitForSelector(`[data-testid=state-seq]:text-is("${privateSeq}")`);
    await f.shoot(phone, 'replay-live-phone');
  }, 120_000);

  it('follows a running session: new events arrive on the page while it stands at the last one', async () => {
    const f = fixture.f;
    const created = await f.api('POST', '/api/sessions', {
      title: 'Replay follow',
      mechanism: 'public-goods',
      config: { rounds: 2, communication: { channels: ['public'] } },
      seats: [{ kind: 'human' }, { kind: 'bot', policy: 'free-rider' }],
    });
    expect(created.status, created.text).toBe(201);
    const info = created.body as { session: string; seats: { seat: string; code: string }[] };
    expect((await f.api('POST', `/api/sessions/${info.session}/control`, { op: 'start' })).status).toBe(200);
    const person = await seat(info.seats[0]?.code as string);

    const page = await (await f.context({ width: 1280, height: 900 })).newPage();
    await page.addInitScript((token) => localStorage.setItem('arena.experimenter', JSON.stringify(token)), ADMIN_TOKEN);
    await page.goto(`${f.url}/replay/${info.session}`);
    await page.waitForSelector('[data-testid=replay-live]');
    const before = Number(await page.inputValue('#event-slider'));
    // At event 0 the page does not move by itself; at the last event it follows.
    await page.locator('#event-slider').fill(await page.getAttribute('#event-slider', 'max') as string);
    await say(person, 'Anyone reading this?');
    await page.waitForSelector('[data-testid=replay-chat] >> text=Anyone reading this?');
    const after = Number(await page.inputValue('#event-slider'));
    expect(after).toBeGreaterThan(before);
    expect(await page.getAttribute('#event-slider', 'max')).toBe(String(after));
    await f.shoot(page, 'replay-live-following');
    expect((await f.api('POST', `/api/sessions/${info.session}/control`, { op: 'end' })).status).toBe(200);
    await page.waitForSelector('[data-testid=replay-live]', { state: 'detached' });
  }, 90_000);

  it('answers an unknown address with a page-not-found (status 404), and a bad join code in plain words', async () => {
    const f = fixture.f;
    const page = await (await f.context()).newPage();
    const response = await page.goto(`${f.url}/nope`);
    expect(response?.status()).toBe(404);
    await page.waitForSelector('h1:text-is("Page not found")');
    expect(await page.textContent('main')).toContain('There is no page at /nope');
    expect(await page.textContent('body')).not.toContain('Cannot GET');
    await f.shoot(page, 'not-found-phone');
    await page.click('text=Go to the start page');
    await page.waitForSelector('#code');

    const join = await (await f.context()).newPage();
    await join.goto(`${f.url}/join/AB`);
    await join.waitForSelector('h1:text-is("Cannot join")');
    const words = (await join.textContent('[role=alert]')) ?? '';
    expect(words).toContain('“AB” is not a whole seat code');
    expect(words).toContain('ABCDE-FGHJK');
    expect(words).not.toContain('{');
    await f.shoot(join, 'join-bad-code');
  }, 60_000);
});
