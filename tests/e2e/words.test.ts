/**
 * Words on participant pages, for every mechanism: a session with one person and random
 * bots, the person's seat page and a spectator's watch page, every text and attribute they
 * ever display (recorded from the first paint) free of seat ids (`p3`), mechanism ids
 * (`double-auction@1`) and coalition ids (`c806012`). Screenshots go to artifacts/screenshots.
 */
import { describe, expect, it } from 'vitest';
import { MECHANISMS } from '../../mechanisms/registry.ts';
import { browserAvailable, recordDom, seenText, useWebFixture } from './browser.ts';

const run = browserAvailable();

/** What a participant must never read: a seat id, a mechanism id with its version, a coalition id. */
const CODES = [/\bp\d{1,3}\b/, /\b[a-z]+(-[a-z]+)*@\d+\b/, /\bc\d{5,}\b/];

const offending = (texts: readonly string[]) => texts.filter((t) => CODES.some((c) => c.test(t)) && !/^(https?:|\/|data:)/.test(t));

describe.runIf(run)('words on participant pages in Chromium', () => {
  const fixture = useWebFixture();

  for (const mechanism of MECHANISMS) {
    it(`${mechanism.id}: no ids or internal codes on the seat page or the watch page`, async () => {
      const f = fixture.f;
      const plan = mechanism.seats(mechanism.configSchema.parse({}));
      const n = Math.max(plan.min, 2);
      const created = await f.api('POST', '/api/sessions', {
        title: `Words ${mechanism.id}`,
        mechanism: mechanism.id,
        config: {},
        seats: [{ kind: 'human' }, { kind: 'bot', policy: 'random', count: n - 1 }],
      });
      expect(created.status, created.text).toBe(201);
      const info = created.body as { session: string; seats: { seat: string; code: string }[] };

      const context = await f.context();
      await recordDom(context);
      const page = await context.newPage();
      await page.goto(`${f.url}/join/${info.seats[0]?.code}`);
      await page.waitForSelector('header').catch(async (error: Error) => Promise.reject(new Error(`${error.message}; the page says: ${await page.textContent('body')}`)));
      // Started once the person is seated: a short auction may be over in a moment.
      expect((await f.api('POST', `/api/sessions/${info.session}/control`, { op: 'start' })).status).toBe(200);
      await page.waitForFunction(() => !document.body.textContent?.includes('Waiting for your view') && !document.body.textContent?.includes('Loading the board') && document.querySelectorAll('main section.panel').length > 0);
      await f.shoot(page, `words-seat-${mechanism.id}`);
      expect(offending(await seenText(page)), 'seat page').toEqual([]);

      const watch = await context.newPage();
      await watch.goto(`${f.url}/watch/${info.session}`);
      await watch.waitForFunction(() => !document.body.textContent?.includes('Loading the view') && document.querySelectorAll('main section, main .panel').length > 0);
      expect(offending(await seenText(watch)), 'watch page').toEqual([]);
      // A short auction may have ended by itself meanwhile.
      expect([200, 409]).toContain((await f.api('POST', `/api/sessions/${info.session}/control`, { op: 'end' })).status);
      await context.close();
    }, 60_000);
  }
});
