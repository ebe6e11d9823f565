import { describe, expect, it } from 'vitest';
import type { MechEvent } from '../mechanisms/core/types.ts';
import { fanOut, type Listener } from './fan-out.ts';

const event = (kind: string) => ({ kind, data: {}, at: 0 });
const listener = (client: string, seat: string | null, more: Partial<Listener<string>> = {}): Listener<string> => ({ client, seat, experimenter: false, ownOnly: false, ...more });

describe('fanOut', () => {
  const trade = event('trade');
  const fill = event('fill');
  const audit = event('audit');
  const events = [trade, fill, audit];
  const audiences: MechEvent['audience'][] = ['public', ['p1'], 'experimenter'];

  it('broadcasts public events once when nobody has events of its own', () => {
    const out = fanOut([trade], ['public'], [listener('a', 'p0'), listener('b', null)]);
    expect(out).toEqual({ broadcast: [trade], except: [], own: [] });
  });

  it("gives a seat its own events with the public ones, the experimenter all of them, and nobody another seat's", () => {
    const out = fanOut(events, audiences, [listener('a', 'p0'), listener('b', 'p1'), listener('x', null, { experimenter: true }), listener('s', null)]);
    expect(out.broadcast).toEqual([trade]);
    expect(out.except).toEqual(['b', 'x']);
    expect(out.own).toEqual([
      ['b', [trade, fill]],
      ['x', events],
    ]);
  });

  it("sends a client that wants its own events only those, or nothing", () => {
    const out = fanOut(events, audiences, [listener('a', 'p0', { ownOnly: true }), listener('b', 'p1', { ownOnly: true }), listener('c', 'p2')]);
    expect(out.broadcast).toEqual([trade]);
    expect(out.except).toEqual(['b', 'a']);
    expect(out.own).toEqual([['b', [fill]]]);
    // Public events only, and everyone wants its own: no broadcast at all.
    expect(fanOut([trade], ['public'], [listener('a', 'p0', { ownOnly: true })])).toEqual({ broadcast: null, except: ['a'], own: [] });
  });
});
