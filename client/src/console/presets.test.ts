import { describe, expect, it } from 'vitest';
import { defaultChoice, specOf } from './presets.ts';

describe('session presets', () => {
  it('seat a market half buyers, half sellers, humans alternating, with the chosen periods', () => {
    const spec = specOf({ ...defaultChoice('double-auction'), humans: 2, bots: 4, rounds: 5, roundSeconds: 90 });
    expect(spec.seats).toEqual([
      { kind: 'human', role: 'buyer' },
      { kind: 'human', role: 'seller' },
      { kind: 'bot', policy: 'zi-c', role: 'buyer', count: 2 },
      { kind: 'bot', policy: 'zi-c', role: 'seller', count: 2 },
    ]);
    expect(spec.config).toMatchObject({ buyers: 3, sellers: 3, periods: 5, periodMs: 90_000 });
  });

  it('give auctions and public goods their rounds and round length', () => {
    expect(specOf({ ...defaultChoice('first-price'), rounds: 4, roundSeconds: 20 }).config).toMatchObject({ rounds: 4, roundMs: 20_000 });
    const pg = specOf({ ...defaultChoice('public-goods'), humans: 1, bots: 3, botPolicy: 'free-rider' });
    expect(pg.seats).toEqual([{ kind: 'human' }, { kind: 'bot', policy: 'free-rider', count: 3 }]);
    expect(pg).toMatchObject({ mechanism: 'public-goods', dropout: { policy: 'replace', bot: 'conditional-cooperator' }, autoStart: false });
  });
});
