/**
 * The views' deltas (rooms/views.ts): whatever sequence of views the engine makes, a
 * follower that got the snapshot and then every message holds exactly those views; one
 * that misses a message asks for a snapshot and catches up; a seat's message carries
 * only what differs from the public view; a follower that only wants legal actions
 * builds no views. The transport here is an in-memory stand-in for the room's socket
 * (in order, as a websocket is); tests/live runs the same code over real Colyseus rooms.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Legal } from '../mechanisms/core/types.ts';
import { ViewFollower, ViewPublisher, type FollowedRoom, type SeatViewMessage } from './views.ts';

/** A room's side of one client: messages are delivered in order; `views` requests are answered from the publisher. */
class Wire implements FollowedRoom {
  readonly #handlers = new Map<string, (payload: never) => void>();
  readonly #publisher: ViewPublisher;
  readonly #seats: string[];
  /** Drop the next message of this type (a lost message). */
  drop: string | null = null;
  requests = 0;

  constructor(publisher: ViewPublisher, seats: string[]) {
    this.#publisher = publisher;
    this.#seats = seats;
  }

  onMessage(type: string, callback: (payload: never) => void): () => void {
    this.#handlers.set(type, callback);
    return () => this.#handlers.delete(type);
  }

  request(type: string): Promise<unknown> {
    this.requests++;
    expect(type).toBe('views');
    // The reply is made when the room handles the request, like the room's handler.
    return Promise.resolve({ ok: true, views: structuredClone(this.#publisher.snapshot(this.#seats)) });
  }

  deliver(type: 'pub' | 'own', message: unknown): void {
    if (this.drop === type) {
      this.drop = null;
      return;
    }
    // Through the wire's encoding: what arrives is a copy.
    this.#handlers.get(type)?.(structuredClone(message) as never);
  }
}

const json = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<unknown>;
/** A market-like public view and a seat's view that repeats some of its keys. */
const views = fc.record({
  pub: fc.dictionary(fc.constantFrom('book', 'tape', 'period', 'over', 'history'), json, { maxKeys: 5 }),
  own: fc.dictionary(fc.constantFrom('seat', 'units', 'myOrders', 'history', 'profit'), json, { maxKeys: 5 }),
  shared: fc.subarray(['book', 'tape', 'period', 'over']),
  legal: fc.array(fc.record({ type: fc.constantFrom('bid', 'ask', 'cancel'), params: fc.dictionary(fc.constantFrom('price', 'side'), json) }), { maxLength: 3 }),
});

describe('view deltas', () => {
  it('a follower holds exactly the views the publisher took, in any sequence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(views, { minLength: 1, maxLength: 12 }), async (steps) => {
        const publisher = new ViewPublisher();
        const wire = new Wire(publisher, ['p0']);
        const follower = new ViewFollower(wire);
        await follower.ready;
        let stateId = 0;
        for (const step of steps) {
          stateId++;
          const seatView: Record<string, unknown> = { ...step.own };
          for (const k of step.shared) if (k in step.pub) seatView[k] = step.pub[k];
          const pub = publisher.publishPublic(step.pub, stateId);
          if (pub) wire.deliver('pub', pub);
          const own = publisher.publishSeat('p0', seatView, step.legal as unknown as Legal, stateId);
          if (own) wire.deliver('own', own);
          expect(follower.publicView).toEqual(step.pub);
          expect(follower.view('p0')).toEqual(seatView);
          expect(Object.keys(follower.view('p0') as object)).toEqual(Object.keys(seatView));
          expect(follower.legal('p0')).toEqual(step.legal);
        }
        expect(wire.requests).toBe(1);
      }),
      { numRuns: 500 },
    );
  });

  it("sends a seat only what differs from the public view, and nothing when nothing changed", () => {
    const publisher = new ViewPublisher();
    const book = { bids: [{ price: 10, size: 1 }], asks: [] };
    publisher.publishPublic({ book, period: 1 }, 1);
    const first = publisher.publishSeat('p0', { seat: 'p0', book, period: 1, myOrders: [] }, [], 1) as SeatViewMessage;
    expect(first.keys).toEqual(['seat', 'book', 'period', 'myOrders']);
    expect(JSON.stringify(first.own)).not.toContain('bids');
    // Another seat's order changes the book: every seat's own part stays as it was.
    const book2 = { bids: [{ price: 12, size: 1 }, { price: 10, size: 1 }], asks: [] };
    const pub = publisher.publishPublic({ book: book2, period: 1 }, 2);
    expect(pub?.v).toBe(2);
    // The new best bid is one added item, not a rewrite of the list.
    expect(JSON.stringify(pub?.delta).length).toBeLessThan(JSON.stringify(book2).length);
    expect(publisher.publishSeat('p0', { seat: 'p0', book: book2, period: 1, myOrders: [] }, [], 2)).toBeNull();
    expect(publisher.publishPublic({ book: book2, period: 1 }, 3)).toBeNull();
  });

  it("a value with the same content as the public one in another key order stays in the seat's own part", async () => {
    const publisher = new ViewPublisher();
    const wire = new Wire(publisher, ['p0']);
    const follower = new ViewFollower(wire);
    await follower.ready;
    wire.deliver('pub', publisher.publishPublic({ book: { bids: [1], asks: [2] } }, 1));
    const seatView = { book: { asks: [2], bids: [1] }, mine: 1 };
    wire.deliver('own', publisher.publishSeat('p0', seatView, [], 1));
    expect(JSON.stringify(follower.view('p0'))).toBe(JSON.stringify(seatView));
  });

  it("carries the legal actions only when they changed", () => {
    const publisher = new ViewPublisher();
    const legal = [{ type: 'bid', params: { price: { kind: 'number', min: 0, max: 10 } } }] as unknown as Legal;
    publisher.publishPublic({ book: [] }, 1);
    expect(publisher.publishSeat('p0', { mine: 1 }, legal, 1)?.legal).toBeDefined();
    const same = publisher.publishSeat('p0', { mine: 2 }, structuredClone(legal), 2);
    expect(same?.own).toBeDefined();
    expect(same?.legal).toBeUndefined();
    expect(publisher.publishSeat('p0', { mine: 2 }, [], 3)?.legal).toBeDefined();
  });

  it('a follower that misses a message asks for a snapshot and catches up; old messages are ignored', async () => {
    const publisher = new ViewPublisher();
    const wire = new Wire(publisher, ['p0']);
    const follower = new ViewFollower(wire);
    await follower.ready;
    const send = (n: number) => {
      const pub = publisher.publishPublic({ n }, n);
      if (pub) wire.deliver('pub', pub);
      const own = publisher.publishSeat('p0', { mine: n * 2 }, [], n);
      if (own) wire.deliver('own', own);
      return { pub, own };
    };
    send(1);
    wire.drop = 'pub';
    send(2);
    // The seat's own message of state 2 came; the public one did not.
    expect(follower.publicView).toEqual({ n: 1 });
    const { pub: third } = send(3);
    expect(wire.requests).toBe(2);
    await Promise.resolve();
    await follower.ready;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(follower.publicView).toEqual({ n: 3 });
    expect(follower.view('p0')).toEqual({ mine: 6 });
    // A message from before the snapshot changes nothing.
    wire.deliver('pub', third);
    expect(follower.publicView).toEqual({ n: 3 });
    send(4);
    expect(follower.publicView).toEqual({ n: 4 });
    expect(wire.requests).toBe(2);
  });

  it('carries keys that name object built-ins (toString, constructor, __proto__) whole', async () => {
    const publisher = new ViewPublisher();
    const wire = new Wire(publisher, ['p0']);
    const follower = new ViewFollower(wire);
    await follower.ready;
    const odd = JSON.parse('{"m":{"toString":1,"constructor":2,"__proto__":3}}') as unknown;
    wire.deliver('pub', publisher.publishPublic({ m: {} }, 1));
    wire.deliver('pub', publisher.publishPublic(odd, 2));
    expect(JSON.stringify(follower.publicView)).toBe(JSON.stringify(odd));
    wire.deliver('own', publisher.publishSeat('p0', odd, [], 2));
    expect(JSON.stringify(follower.view('p0'))).toBe(JSON.stringify(odd));
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
  });

  it('never changes an object it handed out', async () => {
    const publisher = new ViewPublisher();
    const wire = new Wire(publisher, ['p0']);
    const follower = new ViewFollower(wire);
    await follower.ready;
    wire.deliver('pub', publisher.publishPublic({ book: [1, 2, 3] }, 1));
    wire.deliver('own', publisher.publishSeat('p0', { book: [1, 2, 3], mine: { a: 1 } }, [], 1));
    const before = follower.view('p0') as { book: number[]; mine: { a: number } };
    wire.deliver('pub', publisher.publishPublic({ book: [1, 2, 3, 4] }, 2));
    wire.deliver('own', publisher.publishSeat('p0', { book: [1, 2, 3, 4], mine: { a: 2 } }, [], 2));
    expect(before).toEqual({ book: [1, 2, 3], mine: { a: 1 } });
    expect(follower.view('p0')).toEqual({ book: [1, 2, 3, 4], mine: { a: 2 } });
  });

  it('a follower of legal actions only builds no views', async () => {
    const publisher = new ViewPublisher();
    const wire = new Wire(publisher, ['p0']);
    const follower = new ViewFollower(wire, { views: false });
    await follower.ready;
    const legal = [{ type: 'bid', params: { price: { kind: 'number', min: 0, max: 10 } } }] as unknown as Legal;
    wire.deliver('pub', publisher.publishPublic({ book: [1] }, 1));
    wire.deliver('own', publisher.publishSeat('p0', { mine: 1 }, legal, 1));
    expect(follower.legal('p0')).toEqual(legal);
    expect(follower.publicView).toBeNull();
    expect(follower.version('p0')).toBe(1);
  });
});
