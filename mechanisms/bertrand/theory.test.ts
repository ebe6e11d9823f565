import { describe, expect, it } from 'vitest';
import { baselineMarket, bertrandNash, bestResponse, jointProfitMaximum, logitProfits, priceGrid, profitGain } from './theory.ts';

// Published values: Calvano, Calzolari, Denicolò and Pastorello (2020), AER 110(10),
// Section III (p^N ≈ 1.47, p^M ≈ 1.92 in the text), and to five decimals the inputs and
// outputs of the authors' replication package (NashP = 1.47293, CoopP = 1.92498,
// NashProft = 0.22293, CoopProft = 0.33749, market shares 0.47138 and 0.36486).
const FIVE_DECIMALS = 5.5e-6;

describe('the baseline duopoly', () => {
  const market = baselineMarket(2);
  const nash = bertrandNash(market);
  const monopoly = jointProfitMaximum(market);

  it('has the published Bertrand–Nash price, profit and share', () => {
    for (const i of [0, 1]) {
      expect(Math.abs((nash.prices[i] as number) - 1.47293)).toBeLessThan(FIVE_DECIMALS);
      expect(Math.abs((nash.profits[i] as number) - 0.22293)).toBeLessThan(FIVE_DECIMALS);
      expect(Math.abs((nash.demands[i] as number) - 0.47138)).toBeLessThan(FIVE_DECIMALS);
    }
    expect((nash.prices[0] as number).toFixed(2)).toBe('1.47');
  });

  it('has the published monopoly price, profit and share', () => {
    for (const i of [0, 1]) {
      expect(Math.abs((monopoly.prices[i] as number) - 1.92498)).toBeLessThan(FIVE_DECIMALS);
      expect(Math.abs((monopoly.profits[i] as number) - 0.33749)).toBeLessThan(FIVE_DECIMALS);
      expect(Math.abs((monopoly.demands[i] as number) - 0.36486)).toBeLessThan(FIVE_DECIMALS);
    }
    expect(Math.floor((monopoly.prices[0] as number) * 100) / 100).toBe(1.92);
  });

  it('is a fixed point of the best responses to 1e-6', () => {
    for (const i of [0, 1]) expect(Math.abs(bestResponse(market, nash.prices, i) - (nash.prices[i] as number))).toBeLessThan(1e-6);
  });

  it('leaves no firm a better price against the Nash price, and no better common price to the cartel', () => {
    const own = (p: number) => logitProfits(market, [p, nash.prices[1] as number])[0] as number;
    const joint = (p: number) => logitProfits(market, [p, p]).reduce((s, x) => s + x, 0);
    const pN = nash.prices[0] as number;
    const pM = monopoly.prices[0] as number;
    for (const step of [1e-3, -1e-3, 0.1, -0.1]) {
      expect(own(pN + step)).toBeLessThan(own(pN));
      expect(joint(pM + step)).toBeLessThan(joint(pM));
    }
  });

  it('spans the published price grid and scores Nash as 0 and monopoly as 1', () => {
    const grid = priceGrid(nash.prices[0] as number, monopoly.prices[0] as number, 15, 0.1);
    expect(grid.length).toBe(15);
    expect(Math.abs((grid[0] as number) - 1.42773)).toBeLessThan(1e-4);
    expect(Math.abs((grid[14] as number) - 1.97018)).toBeLessThan(1e-4);
    expect(profitGain(nash.profits[0] as number, nash.profits[0] as number, monopoly.profits[0] as number)).toBe(0);
    expect(profitGain(monopoly.profits[0] as number, nash.profits[0] as number, monopoly.profits[0] as number)).toBe(1);
  });
});

describe('other markets', () => {
  it('keeps best responses at the Nash prices with three and four firms', () => {
    for (const n of [3, 4]) {
      const market = baselineMarket(n);
      const nash = bertrandNash(market);
      for (let i = 0; i < n; i++) expect(Math.abs(bestResponse(market, nash.prices, i) - (nash.prices[i] as number))).toBeLessThan(1e-6);
    }
  });

  it('gives three firms the monopoly markup μ/(1 − Σq) = 1 exactly', () => {
    expect(jointProfitMaximum(baselineMarket(3)).prices[0]).toBeCloseTo(2, 10);
  });

  // The replication package's Table 4 (asymmetric costs): firm 2's Nash market share.
  it.each([
    [0.875, 0.545],
    [0.75, 0.588],
    [0.625, 0.627],
    [0.5, 0.662],
    [0.25, 0.722],
  ])('gives the cheaper firm (c2 = %s) its published Nash market share of %s', (c2, share) => {
    const market = { ...baselineMarket(2), c: [1, c2] };
    const nash = bertrandNash(market);
    const shares = nash.demands;
    expect(Math.abs((shares[1] as number) / ((shares[0] as number) + (shares[1] as number)) - share)).toBeLessThan(5e-4);
  });
});
