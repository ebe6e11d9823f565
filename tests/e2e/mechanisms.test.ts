/**
 * Three mechanisms played in Chromium to the end of a short session, one person against
 * scripted bots that answer at once: the English clock auction (the person drops out of the
 * first item and stays in the second), the matching market (a list put in order with the
 * up and down buttons, then by dragging) and the prediction market (a buy, then a sale).
 * Each test opens the seat on a phone-sized page and the projector (`?big=1`) on a
 * 1920x1080 one, checks that the board shows what the person did, that the payoffs on the
 * board and on the projector agree with the session's export, and that no other seat's
 * private numbers ever reached the seat's page. Screenshots go to artifacts/screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cases as englishCases } from '../../mechanisms/english/cases.ts';
import { cases as matchingCases } from '../../mechanisms/matching/cases.ts';
import { cases as predictionCases } from '../../mechanisms/prediction-market/cases.ts';
import type { LedgerEvent } from '../../mechanisms/core/ledger.ts';
import { money } from '../../client/src/lib/clock.svelte.ts';
import { browserAvailable, recordDom, seenText, startWebFixture, type WebFixture } from './browser.ts';

const run = browserAvailable();

interface Entry {
  readonly kind: string;
  readonly audience: string | readonly string[];
  readonly data: Record<string, unknown>;
}

interface Played {
  readonly session: string;
  readonly seat: Page;
  readonly projector: Page;
}

/** The events of `kind` addressed to `seat` alone, in order. */
const addressed = (events: readonly Entry[], kind: string, seat: string) => events.filter((e) => e.kind === kind && Array.isArray(e.audience) && e.audience.length === 1 && e.audience[0] === seat).map((e) => e.data);
const only = (events: readonly Entry[], kind: string) => events.filter((e) => e.kind === kind).map((e) => e.data);
const pct = (p: number) => `${(p * 100).toFixed(1)}%`;

describe.runIf(run)('mechanism boards in Chromium', () => {
  let f: WebFixture;

  // Bots without think time: what they do depends on the seed and the views alone.
  beforeAll(async () => {
    f = await startWebFixture({ botThinkMs: [0, 0] });
  }, 60_000);
  afterAll(async () => {
    await f?.close();
  }, 30_000);

  /** Creates a session with seat p0 for a person, opens its seat and its projector, then starts it. */
  async function open(spec: Record<string, unknown>): Promise<Played> {
    const created = await f.api('POST', '/api/sessions', spec);
    expect(created.status, created.text).toBe(201);
    const info = created.body as { session: string; seats: { seat: string; link: string }[]; spectate: string };
    expect(info.seats.map((s) => s.seat)).toEqual(['p0']);
    const phone = await f.context();
    await recordDom(phone);
    const seat = await phone.newPage();
    await seat.goto(info.seats[0]?.link as string);
    await seat.waitForSelector('text=You are seated.');
    const projector = await (await f.context({ width: 1920, height: 1080 })).newPage();
    await projector.goto(`${info.spectate}?big=1`);
    await projector.waitForSelector('text=Spectator');
    const started = await f.api('POST', `/api/sessions/${info.session}/control`, { op: 'start' });
    expect(started.status, started.text).toBe(200);
    return { session: info.session, seat, projector };
  }

  async function exported(session: string): Promise<Entry[]> {
    const res = await f.api('GET', `/api/sessions/${session}/export.jsonl`);
    expect(res.status).toBe(200);
    return res.text.trim().split('\n').map((l) => JSON.parse(l) as Entry);
  }

  /** Every private number of every seat, looked for in all the text the seat's page ever showed, as the board writes it and in full. */
  async function expectNoOtherSecrets(page: Page, secrets: Map<string, number[]>, shown: (x: number) => string): Promise<void> {
    expect([...secrets.keys()].sort()).toEqual(['p0', 'p1', 'p2', 'p3']);
    const seen = (await seenText(page)).join('\n');
    for (const [seat, values] of secrets) {
      for (const v of values) {
        if (seat === 'p0') expect(seen, `p0 sees its own ${shown(v)}`).toContain(shown(v));
        else {
          expect(seen, `p0 must never see ${seat}'s ${shown(v)}`).not.toContain(shown(v));
          expect(seen, `p0 must never see ${seat}'s ${v}`).not.toContain(String(v));
        }
      }
    }
  }

  it('English clock: drops out of the first item, stays in and wins the second, payoffs as the export says', async () => {
    const { session, seat, projector } = await open({
      title: 'English clock',
      mechanism: 'english',
      seed: 31,
      config: { rounds: 2, tickMs: 250, startPrice: 0, increment: 5, values: { kind: 'uniform', low: 30, high: 60 }, tieBreak: 'lowestSeat', communication: { channels: [] } },
      seats: [{ kind: 'human' }, { kind: 'bot', policy: 'value-dropper', count: 3 }],
    });

    // Item 1: the values are at least 30, so every bot is still in while the person drops out near the opening price.
    await seat.waitForSelector('text=Item 1 of 2');
    await seat.click('[data-testid=drop]');
    const dropped = await seat.waitForSelector('text=/You dropped out at \\d+/');
    const droppedAt = (await dropped.textContent())?.match(/at (\d+)/)?.[1];

    // Item 2: the person does nothing, which keeps it in until every bot has dropped out.
    await seat.waitForSelector('text=Item 2 of 2');
    await seat.waitForSelector('text=The auction is over.', { timeout: 20_000 });
    await seat.waitForSelector('[data-testid=seat-results] [data-testid=my-earnings]');
    await f.shoot(seat, 'seat-english');

    const events = await exported(session);
    const drops = addressed(events, 'dropped', 'p0');
    expect(drops).toEqual([{ round: 1, price: Number(droppedAt) }]);
    const results = addressed(events, 'round_result', 'p0') as { round: number; value: number; won: boolean; paid: number | null; payoff: number; totalPayoff: number }[];
    expect(results.map((r) => r.round)).toEqual([1, 2]);
    const closed = only(events, 'item_closed') as { round: number; price: number | null; sold: boolean }[];
    expect(closed.map((c) => c.round)).toEqual([1, 2]);
    const [first, second] = results as [(typeof results)[0], (typeof results)[0]];
    expect(first.won).toBe(false);
    expect(second.won).toBe(true);

    // The board's items table and totals, row by row, as the export has them.
    const rows = await seat.$$eval('table:below(:text("Your items")) tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent?.trim() ?? '')));
    expect(rows).toEqual(
      [...results].reverse().map((r) => [String(r.round), money(r.value), money(closed[r.round - 1]?.price), r.won ? 'won' : closed[r.round - 1]?.sold ? 'lost' : 'unsold', money(r.payoff)]),
    );
    expect(await seat.textContent('section:has(h3:text-is("Item 2"))')).toContain(`You won and paid ${money(second.paid)}: payoff ${money(second.payoff)}.`);
    expect(second.totalPayoff).toBeCloseTo(first.payoff + second.payoff, 9);
    expect(await seat.textContent('[data-testid=total-payoff]')).toBe(money(second.totalPayoff));
    expect(await seat.textContent('text=/Your total payoff/')).toContain(money(second.totalPayoff));

    // The projector: the last item's price, and no bidder's value.
    await expect.poll(() => projector.textContent('[data-testid=last-price]')).toBe(money(closed[1]?.price));
    expect(await projector.textContent('[data-testid=round]')).toBe('2 / 2');
    await f.shoot(projector, 'projector-english');

    const secrets = englishCases.live.secrets(events as unknown as LedgerEvent[]);
    const projectorText = (await projector.textContent('body')) ?? '';
    for (const v of [...secrets.values()].flat()) expect(projectorText).not.toContain(money(v));
    await expectNoOtherSecrets(seat, secrets, money);
  }, 60_000);

  it('matching: orders the list with the buttons, then by dragging, and gets the school the export says', async () => {
    const { session, seat, projector } = await open({
      title: 'School choice',
      mechanism: 'matching',
      seed: 12,
      config: { schools: [{ name: 'North' }, { name: 'Central' }, { name: 'South' }], rule: 'student-da', rounds: 2, roundMs: 30_000, correlation: 0.3, reveal: 'matching', communication: { channels: [] } },
      seats: [{ kind: 'human' }, { kind: 'bot', policy: 'truthful-ranker', count: 3 }],
    });
    const list = () => seat.$$eval('[data-testid=ranking] li .name', (els) => els.map((e) => e.textContent?.trim() ?? ''));

    // Round 1: the list starts in the schools' order; the buttons put it in the person's own order (the value table's).
    await seat.waitForSelector('text=Round 1 of 2');
    await seat.waitForSelector('[data-testid=ranking]');
    const truth = await seat.$$eval('table[aria-label^="Schools"] tbody th', (ths) => ths.map((th) => th.textContent?.trim() ?? ''));
    expect((await list()).sort()).toEqual([...truth].sort());
    for (const [i, name] of truth.entries()) {
      for (let j = (await list()).indexOf(name); j > i; j--) {
        await seat.click(`button[aria-label="Move ${name} up"]`);
        await expect.poll(async () => (await list()).indexOf(name)).toBe(j - 1);
      }
    }
    // A step down and back up, so that both buttons are used whatever the draw.
    const last = truth.at(-2) as string;
    await seat.click(`button[aria-label="Move ${last} down"]`);
    await seat.click(`button[aria-label="Move ${last} up"]`);
    expect(await list()).toEqual(truth);
    await seat.click('[data-testid=submit-list]');
    await seat.waitForSelector(`[data-testid=school-1]:has-text("listed ${truth.join(' › ')}")`);

    // Round 2: the last school dragged by its handle to the top.
    await seat.waitForSelector('text=Round 2 of 2');
    await seat.waitForSelector('[data-testid=ranking]');
    const before = await list();
    const handle = (await seat.locator('[data-testid=ranking] li').last().locator('.handle').boundingBox()) as { x: number; y: number; width: number; height: number };
    const top = (await seat.locator('[data-testid=ranking] li').first().boundingBox()) as { x: number; y: number; width: number; height: number };
    await seat.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await seat.mouse.down();
    await seat.mouse.move(handle.x + handle.width / 2, top.y + 2, { steps: 8 });
    await seat.mouse.up();
    const dragged = [before.at(-1) as string, ...before.slice(0, -1)];
    expect(await list()).toEqual(dragged);
    await seat.click('[data-testid=submit-list]');
    await seat.waitForSelector('text=The market is closed.');
    await seat.waitForSelector('[data-testid=seat-results] [data-testid=my-earnings]');
    await seat.waitForSelector(`[data-testid=school-2]:has-text("listed ${dragged.join(' › ')}")`);
    await f.shoot(seat, 'seat-matching');

    const events = await exported(session);
    expect(addressed(events, 'submitted', 'p0')).toEqual([
      { round: 1, order: truth },
      { round: 2, order: dragged },
    ]);
    const results = addressed(events, 'round_result', 'p0') as { round: number; school: string | null; value: number; totalPayoff: number }[];
    expect(results.map((r) => r.round)).toEqual([1, 2]);
    for (const r of results) {
      expect(await seat.textContent(`[data-testid=school-${r.round}] strong`)).toBe(r.school ?? 'none');
      expect(await seat.textContent(`tr:has([data-testid=school-${r.round}]) td.num:last-child`)).toBe(money(r.value));
    }
    const total = results.at(-1)?.totalPayoff as number;
    expect(total).toBeCloseTo(results.reduce((a, r) => a + r.value, 0), 9);
    expect(await seat.textContent('[data-testid=total-payoff]')).toBe(money(total));

    // The projector: round 2's matching, with the person under the school it got, and that round's blocking pairs.
    const closed = only(events, 'round_closed') as { round: number; stats: { blockingPairs: number } }[];
    expect(closed.map((c) => c.round)).toEqual([1, 2]);
    await projector.waitForSelector('h3:text("Matching, round 2")');
    const school = results[1]?.school ?? 'none';
    expect(await projector.textContent(`[data-testid=matching] tr:has(th:text-is("${school}")) td:last-child`)).toContain('Seat 1');
    expect(await projector.textContent('[data-testid=blocking-pairs]')).toBe(String(closed[1]?.stats.blockingPairs));
    await f.shoot(projector, 'projector-matching');

    await expectNoOtherSecrets(seat, matchingCases.live.secrets(events as unknown as LedgerEvent[]), money);
  }, 60_000);

  it('prediction market: buys shares, sells some back, and ends with the profit the export says', async () => {
    const budget = 50;
    const { session, seat, projector } = await open({
      title: 'Prediction market',
      mechanism: 'prediction-market',
      seed: 77,
      config: { outcomes: ['yes', 'no'], signal: { kind: 'gaussian', noise: 0.6 }, markets: 1, marketMs: 6000, liquidity: 10, budget, communication: { channels: [] } },
      seats: [{ kind: 'human' }, { kind: 'bot', policy: 'bayesian', count: 3 }],
    });

    // A buy of 10 yes: the ticket previews it, and the holding shows it once it is done.
    await seat.waitForSelector('[data-testid=side-buy]');
    await seat.click('[data-testid=side-buy]');
    await seat.selectOption('[data-testid=outcome]', { label: 'yes' });
    await seat.fill('[data-testid=shares]', '10');
    await seat.waitForSelector('[data-testid=preview]:has-text("Buy 10 yes for")');
    await seat.click('[data-testid=send]');
    await expect.poll(() => seat.textContent('[data-testid=holding-yes]')).not.toBe('0');
    const bought = (await seat.textContent('[data-testid=holding-yes]')) as string;

    // A sale of 4 of them.
    await seat.click('[data-testid=side-sell]');
    await seat.fill('[data-testid=shares]', '4');
    await seat.waitForSelector('[data-testid=preview]:has-text("Sell 4 yes and receive")');
    await seat.click('[data-testid=send]');
    await expect.poll(() => seat.textContent('[data-testid=holding-yes]')).not.toBe(bought);
    const kept = (await seat.textContent('[data-testid=holding-yes]')) as string;

    await seat.waitForSelector('text=The markets are closed.', { timeout: 20_000 });
    await seat.waitForSelector('[data-testid=seat-results] [data-testid=my-earnings]');
    await f.shoot(seat, 'seat-prediction-market');

    const events = await exported(session);
    const positions = addressed(events, 'position', 'p0') as { cash: number; holdings: number[] }[];
    expect(positions.length).toBe(2);
    // The cash spent was priced for 10 shares when the ticket was sent (a bot's trade in between would change what it buys); the sale takes exactly 4 of them.
    const held = positions.map((p) => p.holdings[0] as number);
    expect(held[0]).toBeGreaterThan(0);
    expect(money(held[0])).toBe(bought);
    expect(held[1]).toBeCloseTo((held[0] as number) - 4, 6);
    expect(money(held[1])).toBe(kept);
    const [resolved] = only(events, 'market_resolved') as { market: number; outcome: string; prices: number[]; trades: number }[];
    const [result] = addressed(events, 'market_result', 'p0') as { profit: number; totalProfit: number }[];
    expect(resolved && result).toBeTruthy();
    const { outcome, prices, trades } = resolved as NonNullable<typeof resolved>;
    const { profit, totalProfit } = result as NonNullable<typeof result>;
    // The profit is the cash at the close plus the shares of what happened, less the budget.
    const last = positions[1] as { cash: number; holdings: number[] };
    expect(profit).toBeCloseTo(last.cash + (last.holdings[outcome === 'yes' ? 0 : 1] as number) - budget, 6);
    expect(totalProfit).toBeCloseTo(profit, 9);
    expect(await seat.textContent('[data-testid=cash]')).toMatch(new RegExp(` / ${money(totalProfit).replace('.', '\\.')}$`));
    expect(await seat.textContent('text=/Total profit:/')).toContain(money(totalProfit));
    const row = await seat.$$eval('section:has(h3:text("Your past markets")) tbody tr td', (tds) => tds.map((td) => td.textContent?.trim() ?? ''));
    expect([row[0], row[1], row.at(-1)]).toEqual(['1', outcome, money(profit)]);

    // The projector: the resolved market with what happened, its closing price and the trades (the person's two among them).
    expect(trades).toBeGreaterThanOrEqual(2);
    await projector.waitForSelector('h3:text("Resolved markets")');
    const shown = await projector.$$eval('section:has(h3:text("Resolved markets")) tbody tr td', (tds) => tds.map((td) => td.textContent?.trim() ?? ''));
    expect(shown).toEqual(['1', outcome, pct(prices[outcome === 'yes' ? 0 : 1] as number), String(trades)]);
    await f.shoot(projector, 'projector-prediction-market');

    await expectNoOtherSecrets(seat, predictionCases.live.secrets(events as unknown as LedgerEvent[]), (x) => x.toFixed(3));
  }, 60_000);
});
