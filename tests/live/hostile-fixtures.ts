/**
 * Fixtures and invariants of the hostile-input tests (hostile-messages, hostile-transport):
 * a first-price arena that only moves when its humans bid, a snapshot of everything an
 * input could change (engine state, views, ledger), and clients that behave.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { LedgerEvent } from '../../mechanisms/core/ledger.ts';
import { act, legalOf, paced, privateView, serverView, viewsOf, waitFor, type Ack, type ArenaRoomClient } from './process-helpers.ts';
import type { InProcessArena, SeatedArena } from './helpers.ts';

export const SEED = 20_261_117;

/**
 * These suites send hundreds of hostile messages from one seat to see each one refused
 * by its own check, so the seat budget (rooms/budget.ts) is set above their pace here;
 * tests/live/budget.test.ts holds the default budget to its promises.
 */
export const ROOMY_BUDGET = { messageBurst: 200, messagesPerSecond: 60, refusalBurst: 10_000, refusalsPerSecond: 1000 } as const;
export const MAX_BID = 100;

/** A first-price auction that only moves when its human seats bid: no deadline, no bots. */
export const auction = (humans: number, title = 'hostile input') => ({
  title,
  mechanism: 'first-price',
  config: { rounds: 10_000, bidStep: 1, values: { kind: 'uniformInt', low: 0, high: 100 } },
  seats: [{ kind: 'human', count: humans }],
  dropout: { policy: 'wait', graceSeconds: 60 },
  autoStart: true,
});

export interface Snapshot {
  readonly stateId: number;
  readonly hash: string;
  readonly publicView: string;
  readonly privates: Record<string, { view: string; legal: string }>;
  readonly events: LedgerEvent[];
}

/** The invariants, bound to the server of a test file (started in its beforeAll). */
export function hostileFixtures(live: () => InProcessArena) {
  const openArena = (humans = 2): Promise<SeatedArena> => live().seat(auction(humans));
  const serverRoom = (session: string) => live().room(session);

  async function snapshot(session: string): Promise<Snapshot> {
    const room = await serverRoom(session);
    const privates: Record<string, { view: string; legal: string }> = {};
    room.state.seats.forEach((_, seat) => {
      const s = room.seatView(seat);
      if (s) privates[seat] = { view: JSON.stringify(s.view), legal: JSON.stringify(s.legal) };
    });
    return { stateId: room.state.stateId, hash: room.match.hash(), publicView: room.publicViewJson, privates, events: live().server.ledger.events(session) };
  }

  /** Asserts that nothing but the allowed kinds of ledger events happened since `before`; returns the new events. */
  async function expectUnchanged(session: string, before: Snapshot, allowed: readonly string[] = ['rejection']): Promise<LedgerEvent[]> {
    const after = await snapshot(session);
    expect(after.stateId).toBe(before.stateId);
    expect(after.hash).toBe(before.hash);
    expect(after.publicView).toBe(before.publicView);
    expect(after.privates).toEqual(before.privates);
    expect(after.events.slice(0, before.events.length)).toEqual(before.events);
    const added = after.events.slice(before.events.length);
    for (const e of added) expect(allowed, `unexpected ledger event ${e.kind}`).toContain(e.kind);
    return added;
  }

  /** A well-behaved client waits until its decoded state has caught up, then bids on it. */
  async function bidsFine(arena: SeatedArena, seat: string, amount = 10): Promise<number> {
    const client = arena.clients[seat] as ArenaRoomClient;
    await waitFor(async () => client.state.stateId === (await serverRoom(arena.session)).state.stateId && legalOf(client, seat).length > 0, `${seat} sees the current state and may bid`);
    const ack = await act(client, client.state.stateId, { type: 'bid', amount });
    expect(ack).toEqual({ ok: true, stateId: expect.any(Number) });
    return (ack as { stateId: number }).stateId;
  }

  /** Plays whole rounds: every seat bids. */
  async function playRounds(arena: SeatedArena, n: number): Promise<void> {
    for (let r = 0; r < n; r++) for (const seat of Object.keys(arena.clients)) await bidsFine(arena, seat, 20 + r);
  }

  /** What the client decoded for its own seat equals the server's view; no other seat's entry arrived. */
  async function expectClientInSync(arena: SeatedArena, seat: string): Promise<void> {
    const client = arena.clients[seat] as ArenaRoomClient;
    await waitFor(async () => {
      const room = await serverRoom(arena.session);
      return client.state.stateId === room.state.stateId && privateView(client, seat) === serverView(room, seat);
    }, `${seat}'s decoded view to match the server`);
    expect(viewsOf(client).seats).toEqual([seat]);
  }

  return { openArena, serverRoom, snapshot, expectUnchanged, bidsFine, playRounds, expectClientInSync };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const wellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);

/** JSON can carry it unchanged (what the ledger stores and hashes). */
export function jsonSafe(value: unknown): boolean {
  if (value === null || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'string') return wellFormed(value);
  if (Array.isArray(value)) return value.every(jsonSafe);
  if (typeof value === 'object') return Object.getPrototypeOf(value) === Object.prototype && Object.entries(value).every(([k, v]) => wellFormed(k) && jsonSafe(v));
  return false;
}

/** Would the engine accept this as a bid (its own tolerance: 1e-9 on the bounds, 1e-7 on the grid)? */
export function acceptableBid(action: unknown): boolean {
  const a = action as { type?: unknown; amount?: unknown } | null;
  if (typeof a !== 'object' || a === null || a.type !== 'bid' || typeof a.amount !== 'number' || !Number.isFinite(a.amount)) return false;
  return a.amount >= -1e-9 && a.amount <= MAX_BID + 1e-9 && Math.abs(a.amount - Math.round(a.amount)) < 1e-7;
}

export type Reply = { ok: true; value: unknown } | { ok: false; error: { name?: string; message?: string } };

/** Refused at the boundary, before the engine, with the room's coded BAD_MESSAGE reply. */
export const refusedAtBoundary = (reply: Reply): boolean => reply.ok && (reply.value as Ack | undefined)?.ok === false && (reply.value as { code: string }).code === 'BAD_MESSAGE';

/** A request (paced), its reply or its error. */
export async function request(room: ArenaRoomClient, type: string, payload: unknown): Promise<Reply> {
  await paced(room);
  try {
    return { ok: true, value: await room.request(type, payload) };
  } catch (error) {
    return { ok: false, error: error as { name?: string; message?: string } };
  }
}

export const fuzz = <T>(arb: fc.Arbitrary<T>, check: (value: T) => Promise<void>, numRuns: number) => fc.assert(fc.asyncProperty(arb, check), { numRuns, seed: SEED, endOnFailure: true });
