/**
 * A participant's page outlives a server restart: the server stops mid-session (as in a
 * deploy), starts again on the same port and database, resumes the session in a new room,
 * and the page rejoins the same seat on its own, from the code it was opened with.
 */
import { describe, expect, it } from 'vitest';
import { browserAvailable, useWebFixture } from './browser.ts';

const run = browserAvailable();

describe.runIf(run)('seat page across a server restart', () => {
  const fixture = useWebFixture();

  it('rejoins the same seat and keeps its history', async () => {
    const f = fixture.f;
    const created = await f.api('POST', '/api/sessions', {
      title: 'Restart',
      mechanism: 'first-price',
      config: { rounds: 5, values: { kind: 'uniformInt', low: 10, high: 90 }, bidStep: 1 },
      seats: [{ kind: 'human', count: 2 }],
      autoStart: true,
    });
    expect(created.status).toBe(201);
    const { seats } = created.body as { seats: { seat: string; code: string }[] };
    const page = await (await f.context()).newPage();
    await page.goto(`${f.url}/join/${seats[1]?.code}`);
    await page.fill('input[name=amount]', '7');
    await page.click('button:has-text("Place bid")');
    await page.waitForSelector('text=/Your bid 7 is in/');
    const value = await page.textContent('[data-testid=my-value]');

    await f.restart();
    await page.waitForSelector('text=Disconnected from the arena', { timeout: 10_000 });
    await page.waitForSelector('text=Disconnected from the arena', { state: 'detached', timeout: 20_000 });
    expect(await page.textContent('header')).toContain('You are Bidder 2');
    expect(await page.textContent('[data-testid=my-value]')).toBe(value);
    await page.waitForSelector('text=/Your bid 7 is in/');
    // The resumed room takes actions: the other bidder closes round 1, and this seat bids in round 2.
    const other = await (await f.context()).newPage();
    await other.goto(`${f.url}/join/${seats[0]?.code}`);
    await other.fill('input[name=amount]', '5');
    await other.click('button:has-text("Place bid")');
    await page.waitForSelector('text=Round 2 of 5');
    await page.fill('input[name=amount]', '9');
    await page.click('button:has-text("Place bid")');
    await page.waitForSelector('text=/Your bid 9 is in/');
  }, 90_000);
});
