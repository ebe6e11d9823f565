/**
 * report.html in a real browser (Debian's Chromium): it opens from the file alone, asks the
 * network for nothing, every plot is drawn at (nearly) its own size with readable text and
 * nothing overflows the page. Full-page screenshots go to artifacts/screenshots/report-*.png.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStudy, type StudyInput } from '../../studies/spec.ts';
import { runStudy } from '../../studies/runner.ts';
import { tempDir } from '../temp.ts';
import { browserAvailable, CHROMIUM, SCREENSHOTS } from './browser.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const example = async (name: string) => (await import(join(ROOT, 'studies', 'examples', `${name}.json`), { with: { type: 'json' } })).default as StudyInput;

const STUDIES: Record<string, () => Promise<StudyInput>> = {
  'first-price': async () => ({ ...(await example('first-price')), episodes: 400 }),
  'double-auction': async () => ({ ...(await example('double-auction')), episodes: 30 }),
  factorial: async () => ({
    name: 'first-price-reserve-by-population',
    description: 'Reserve price against bidder population, every cell on the same draws.',
    mechanism: 'first-price@1',
    config: { rounds: 3, values: { kind: 'uniform', low: 0, high: 100 } },
    seats: [{ policy: 'equilibrium', count: 5 }],
    episodes: 150,
    seed: 5,
    factors: [
      { name: 'reserve', levels: [{ name: '0' }, { name: '25', config: { reserve: 25 } }, { name: '50', config: { reserve: 50 } }] },
      { name: 'population', levels: [{ name: 'equilibrium' }, { name: 'truthful', seats: [{ policy: 'truthful', count: 5 }] }] },
    ],
  }),
  learning: async () => ({ name: 'bertrand-q-learning', mechanism: 'bertrand', config: { periods: 200000 }, seats: [{ policy: 'q-learning', params: { beta: 0.0002, stableFor: 2000 }, count: 2 }], episodes: 4, seed: 3, learning: { impulse: 15 }, output: { rounds: false } }),
};

const run = browserAvailable();

describe.runIf(run)('report.html in Chromium', () => {
  let browser: Browser;
  const folders = new Map<string, string>();

  beforeAll(async () => {
    const root = tempDir('report-e2e');
    for (const [name, study] of Object.entries(STUDIES)) {
      const out = join(root, name);
      runStudy(resolveStudy(await study()), { out, code: { version: '0.1.0', commit: null } });
      folders.set(name, out);
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  for (const name of Object.keys(STUDIES)) {
    it(`${name}: opens offline, plots at their size with readable text, nothing overflows`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const fetched: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) fetched.push(r.url());
      });
      await page.goto(`file://${join(folders.get(name) as string, 'report.html')}`);
      const layout = await page.evaluate(() => {
        const plots = Array.from(document.querySelectorAll('figure svg')).map((svg) => {
          const box = svg.getBoundingClientRect();
          const natural = Number(svg.getAttribute('width'));
          return { title: svg.parentElement?.querySelector('h3')?.textContent ?? '', width: box.width, height: box.height, scale: box.width / natural };
        });
        const caption = document.querySelector('figcaption');
        return {
          plots,
          overflow: document.documentElement.scrollWidth - window.innerWidth,
          captionPx: caption ? Number.parseFloat(getComputedStyle(caption).fontSize) : 0,
          bodyPx: Number.parseFloat(getComputedStyle(document.body).fontSize),
        };
      });
      expect(fetched).toEqual([]);
      expect(layout.overflow).toBeLessThanOrEqual(0);
      expect(layout.plots.length).toBeGreaterThan(5);
      for (const p of layout.plots) {
        expect(p.width, p.title).toBeGreaterThan(200);
        expect(p.height, p.title).toBeGreaterThan(80);
        // Not squashed: drawn at 85% of its size or more, so 12.5 px axis labels stay above 10.5 px.
        expect(p.scale, p.title).toBeGreaterThanOrEqual(0.85);
      }
      expect(layout.bodyPx).toBeGreaterThanOrEqual(15);
      expect(layout.captionPx).toBeGreaterThanOrEqual(13);
      await page.screenshot({ path: join(SCREENSHOTS, `report-${name}.png`), fullPage: true });
      await page.close();
    });
  }

  it('reads on a phone: one column, no sideways scrolling of the page', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`file://${join(folders.get('double-auction') as string, 'report.html')}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'report-phone.png'), fullPage: false });
    await page.close();
  });
});
