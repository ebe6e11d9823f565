import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tests/temp.ts';
import { resolveStudy } from './spec.ts';
import { planProbe, ProbeError, runProbe, ruleChange } from './probe.ts';
import { writeProbe } from './probe-report.ts';
import { checkRegression, libraryFiles, parseRegression, readEntry, RegressionError } from './exploit-library.ts';
import { verifyRecords } from './records.ts';
import { findMechanism } from '../mechanisms/registry.ts';

const auction = (mechanism: string, policy: string) =>
  resolveStudy({ name: `probe-${mechanism}`, mechanism, config: { rounds: 1 }, seats: [{ policy, count: 4 }], episodes: 100, seed: 8 });

describe('arena probe on auctions with known incentives', () => {
  it('finds no profitable deviation in a second-price auction among truthful bidders: the best is within noise of zero', async () => {
    const result = await runProbe(await planProbe(auction('second-price', 'truthful'), { settings: { episodes: 150, fresh: 300 } }));
    expect(result.searches).toHaveLength(1);
    const s = result.searches[0];
    expect(s?.finding).toBe(false);
    expect(result.findings).toEqual([]);
    // Truthful bidding is dominant: the best deviation re-evaluated on fresh seeds gains nothing beyond noise.
    expect(s?.gain.ci95[0]).toBeLessThanOrEqual(1e-9);
    expect(s?.gain.mean).toBeLessThan(0.2);
  });

  it('finds shading against truthful first-price bidders, at the best reply v·(n−1)/n, with records and a regression study', async () => {
    // Neighbouring fractions gain nearly as much: enough episodes per candidate to tell them apart.
    const result = await runProbe(await planProbe(auction('first-price', 'truthful'), { settings: { episodes: 3000, fresh: 3000 } }));
    const f = result.findings[0];
    expect(result.findings).toHaveLength(1);
    // Against three truthful rivals with uniform values, (v − b)(b/100)³ is largest at b = 3v/4.
    expect(f?.deviation.params).toEqual({ fraction: 0.75 });
    expect(f?.gain.lowerBound).toBeGreaterThan(0);
    // Theory: E[(v − 3v/4)·(3v/400)³] = 25 · (3/4)³ / 5 ≈ 2.11 per episode.
    expect(f?.gain.ci95[0]).toBeLessThan(2.11);
    expect(f?.gain.ci95[1]).toBeGreaterThan(2.11);
    expect(f?.frequency).toBeGreaterThan(0.05);
    expect(f?.frequency).toBeLessThan(0.3);
    // Neither declared config change closes it (the price rule invites shading).
    expect(f?.mitigation).toBeNull();
    expect(f?.mitigations.map((m) => m.name)).toEqual(['reserve-at-half', 'reveal-winner-only']);
    // Evidence: the episodes where shading gained most, the deviation's record showing a positive payoff.
    const deviation = f?.evidence.filter((e) => e.population === 'deviation') ?? [];
    expect(deviation).toHaveLength(3);
    for (const e of deviation) expect(e.payoff).toBeGreaterThan(0);
    const events = result.records.get(f?.id ?? '') ?? [];
    const verdicts = await verifyRecords(events);
    expect(verdicts).toHaveLength(6);
    expect(verdicts.every((v) => v.ok)).toBe(true);
    for (const e of f?.evidence ?? []) expect(events.find((x) => x.match === e.match && x.seq === e.seq)).toMatchObject({ kind: 'action', seat: 'p0' });
    // The regression study is a valid library entry that reproduces the finding.
    const check = await checkRegression(f?.regression);
    expect(check.ok).toBe(true);
    expect(check.closed).toBeNull();
  });
});

describe('arena probe on the public goods game', () => {
  it('finds that a punisher gains by not punishing, and verifies that a higher MPCR lowers the gain on the same seeds', async () => {
    const resolved = resolveStudy(JSON.parse(readFileSync(join(import.meta.dirname, 'examples', 'public-goods.json'), 'utf8')));
    const plan = await planProbe(resolved, { treatments: ['punishment'], settings: { episodes: 60, fresh: 150 } });
    const result = await runProbe(plan);
    const punisher = result.findings.find((f) => f.baseline.policy === 'punisher');
    expect(punisher?.deviation.params).toEqual({ slope: 0, initial: 0 });
    expect(punisher?.mitigation?.name).toBe('higher-returns');
    expect(punisher?.mitigation?.verified).toBe(true);
    expect(punisher?.mitigation?.gain?.mean).toBeLessThan(punisher?.gain.lowerBound ?? 0);
    // The affected rule: the line of the rules text that the MPCR change alters, and its field.
    expect(punisher?.rule?.fields).toEqual(['mpcr']);
    expect(punisher?.rule?.before.join(' ')).toMatch(/0\.4/);
    expect(punisher?.rule?.after.join(' ')).toMatch(/0\.8/);

    const out = join(tempDir('probe'), 'report');
    await writeProbe(out, result, { baseUrl: 'http://arena.test' });
    const json = JSON.parse(readFileSync(join(out, 'findings', `${punisher?.id}.json`), 'utf8'));
    expect(json.evidence[0].url).toMatch(/^http:\/\/arena\.test\/replay\/probe-public-goods-cooperation-[^/]+%2F.+\?at=\d+$/);
    expect(readdirSync(out).sort()).toEqual(['evidence', 'findings', 'probe.html', 'probe.json', 'regression']);
    const html = readFileSync(join(out, 'findings', `${punisher?.id}.html`), 'utf8');
    expect(html).toContain('higher-returns');
    expect(html).toContain('<svg');
    const entry = parseRegression(readEntry(join(out, 'regression', `${punisher?.id}.json`)));
    expect(entry.mitigation?.config).toEqual({ mpcr: 0.8 });
  });
});

describe('arena probe indicators', () => {
  it('flag a cartel of firms pricing at the monopoly price against honest Nash replays, and a cartel member’s gain from undercutting', async () => {
    const cartel = resolveStudy({ name: 'cartel', mechanism: 'bertrand', config: { periods: 30, recall: 5 }, seats: [{ policy: 'benchmark', count: 2, params: { benchmark: 'monopoly_price' } }], episodes: 10, seed: 5 });
    const result = await runProbe(await planProbe(cartel, { settings: { episodes: 10, fresh: 10, indicators: 6, replays: 19 } }));
    const gain = result.indicatorFindings.find((f) => f.indicator.name === 'profit_gain');
    // Δ is 1 at the monopoly profit; the honest replays price at Nash (Δ near 0); the null's smallest p with 19 replays is 1/20.
    expect(gain?.indicator.mean).toBeGreaterThan(0.95);
    expect(gain?.indicator.null?.mean).toBeLessThan(0.05);
    expect(gain?.indicator.p).toBeCloseTo(0.05, 10);
    expect(gain?.severity).toBe('high');
    // Firms at fixed prices do not react to what they see: hiding rivals' prices changes nothing, and is not verified.
    expect(gain?.mitigations.map((m) => [m.name, m.verified])).toEqual([['hide-rival-prices', false]]);
    expect(gain?.evidence).toHaveLength(3);
    // Undercutting the cartel to the Nash price pays in every period: the one-shot incentive a cartel must deter.
    expect(result.findings[0]?.deviation.params).toEqual({ benchmark: 'nash_price' });
    // An honest market shows none of it.
    const honest = resolveStudy({ name: 'nash', mechanism: 'bertrand', config: { periods: 30, recall: 5 }, seats: [{ policy: 'benchmark', count: 2, params: { benchmark: 'nash_price' } }], episodes: 10, seed: 5 });
    const clean = await runProbe(await planProbe(honest, { settings: { episodes: 10, fresh: 10, indicators: 6, replays: 19 } }));
    expect(clean.indicatorFindings).toEqual([]);
    expect(clean.indicators.find((i) => i.indicator.name === 'profit_gain')?.indicator.p).toBe(1);
  });
});

describe('probe declarations', () => {
  it('refuse an unknown treatment and a deviation class that cannot play, naming where it is written', async () => {
    await expect(planProbe(auction('first-price', 'truthful'), { treatments: ['nope'] })).rejects.toThrow(/no treatment 'nope'/);
    const bad = resolveStudy({ name: 'b', mechanism: 'first-price', seats: [{ policy: 'truthful', count: 3 }], probe: { replace: true, deviations: [{ name: 'x', deviation: { policy: 'zi-c' } }] } });
    await expect(planProbe(bad)).rejects.toThrow(ProbeError);
    await expect(planProbe(bad)).rejects.toThrow(/probe\.deviations\[0\] \(x\) cannot be searched/);
    const none = resolveStudy({ name: 'n', mechanism: 'double-auction', seats: [{ policy: 'zi-c', count: 8 }] });
    await expect(planProbe(none, { settings: { indicators: 0 } })).rejects.toThrow(/declares no deviation classes/);
    expect((await planProbe(none)).skipped).toEqual([expect.stringMatching(/^exploit searches: double-auction@1 declares no deviation classes/)]);
  });

  it('name the rules text lines a config change alters', () => {
    const m = findMechanism('first-price');
    if (!m) throw new Error('no first-price');
    const before = m.configSchema.parse({});
    const after = m.configSchema.parse({ reserve: 30 });
    expect(ruleChange(m, before, after, { reserve: 30 })).toEqual({ fields: ['reserve'], before: ['There is no reserve price.'], after: ['Bids below the reserve price of 30 cannot win.'] });
  });
});

describe('the exploit library', () => {
  const library = join(import.meta.dirname, '..', 'exploits');

  it('every regression study still reproduces its finding and stays closed under its mitigation', async () => {
    const files = libraryFiles(library);
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      const check = await checkRegression(readEntry(file), file);
      expect(check.problems, file).toEqual([]);
    }
  });

  it('fails an entry whose mitigation does not close the exploit, and refuses a malformed one by field', async () => {
    const entry = readEntry(join(library, 'first-price', 'shading-against-truthful.json')) as Record<string, unknown>;
    const check = await checkRegression({ ...entry, mitigation: { name: 'reveal-winner-only', config: { reveal: 'winner' } } });
    expect(check.ok).toBe(false);
    expect(check.problems[0]).toMatch(/the exploit is back under reveal-winner-only/);
    expect(() => parseRegression({ ...entry, sead: 3 })).toThrow(RegressionError);
    expect(() => parseRegression({ ...entry, seat: 'seat zero' })).toThrow(/seat/);
    await expect(checkRegression({ ...entry, study: { ...(entry.study as object), config: { reserv: 5 } } })).rejects.toThrow(/study\.config: unknown key `reserv`/);
    expect(existsSync(library)).toBe(true);
  });
});
