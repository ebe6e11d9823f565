import { describe, expect, it } from 'vitest';
import { defaultChoice, ordered, specOf, type MechanismPreset, type PresetChoice } from './preset.ts';
import doubleAuction from '../../../mechanisms/double-auction/ui/preset.ts';
import firstPrice from '../../../mechanisms/first-price/ui/preset.ts';
import secondPrice from '../../../mechanisms/second-price/ui/preset.ts';
import publicGoods from '../../../mechanisms/public-goods/ui/preset.ts';

// The mechanism folders' presets as the client registry gives them (by folder name).
const presets = ordered({ 'public-goods': publicGoods, 'second-price': secondPrice, 'first-price': firstPrice, 'double-auction': doubleAuction });
const preset = (id: string) => presets.find((p) => p.mechanism === id) as (typeof presets)[number];
const spec = (id: string, over: Partial<PresetChoice> = {}) => specOf(preset(id), { ...defaultChoice(preset(id)), ...over });

describe('session presets', () => {
  it('seat a market half buyers, half sellers, humans alternating, with the chosen periods', () => {
    const market = spec('double-auction', { humans: 2, bots: 4, rounds: 5, roundSeconds: 90 });
    expect(market.seats).toEqual([
      { kind: 'human', role: 'buyer' },
      { kind: 'human', role: 'seller' },
      { kind: 'bot', policy: 'zi-c', role: 'buyer', count: 2 },
      { kind: 'bot', policy: 'zi-c', role: 'seller', count: 2 },
    ]);
    expect(market.config).toMatchObject({ buyers: 3, sellers: 3, periods: 5, periodMs: 90_000 });
  });

  it('give auctions and public goods their rounds and round length', () => {
    expect(spec('first-price', { rounds: 4, roundSeconds: 20 }).config).toMatchObject({ rounds: 4, roundMs: 20_000 });
    const pg = spec('public-goods', { humans: 1, bots: 3, botPolicy: 'free-rider' });
    expect(pg.seats).toEqual([{ kind: 'human' }, { kind: 'bot', policy: 'free-rider', count: 3 }]);
    expect(pg).toMatchObject({ mechanism: 'public-goods', dropout: { policy: 'replace', bot: 'conditional-cooperator' }, autoStart: false });
  });

  it('list in their declared order, then by label; the classroom market first', () => {
    expect(presets.map((p) => p.mechanism)).toEqual(['double-auction', 'first-price', 'second-price', 'public-goods']);
    const { order: _order, ...rest } = publicGoods;
    const unordered: MechanismPreset = { ...rest, label: 'A game without an order' };
    expect(ordered({ x: unordered, 'public-goods': publicGoods }).map((p) => p.mechanism)).toEqual(['public-goods', 'x']);
    expect(spec('second-price').mechanism).toBe('second-price');
    expect(spec('second-price').dropout).toMatchObject({ bot: 'truthful' });
  });
});

describe('the market preset with a schedule set in the form', () => {
  const market = preset('double-auction');
  const smith = market.economics?.find((e) => e.label.startsWith('Smith')) as NonNullable<typeof market.economics>[number];

  it("previews Smith's symmetric schedule: one price, 200, and 6 units", () => {
    const config = { ...market.config(22, 3, 60_000), ...smith.config(22) };
    expect(market.seatsOf?.(config)).toBe(22);
    expect(market.preview?.(config)).toMatchObject({ quantity: 6, priceLow: 200, priceHigh: 200 });
    // Drawn values have no picture before the draw.
    expect(market.preview?.(market.config(6, 3, 60_000))).toBeNull();
    expect(market.seatsOf?.(market.config(6, 3, 60_000))).toBeNull();
  });

  it('seats people on both sides and bots on the rest, sides sized by the schedule', () => {
    const overrides = { buyers: [[150], [140], [130], [120]], sellers: [[60], [70]] };
    const s = specOf(market, { ...defaultChoice(market), humans: 3, bots: 3 }, overrides);
    expect(s.seats).toEqual([
      { kind: 'human', role: 'buyer' },
      { kind: 'human', role: 'seller' },
      { kind: 'human', role: 'buyer' },
      { kind: 'bot', policy: 'zi-c', role: 'buyer', count: 2 },
      { kind: 'bot', policy: 'zi-c', role: 'seller' },
    ]);
    expect(s.config).toMatchObject(overrides);
    expect(s.public).toBe(false);
  });
});
