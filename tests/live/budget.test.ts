/**
 * What one seat can cost the server, against a real server with its default seat budget
 * (rooms/budget.ts): a client that floods large junk actions, is closed for it and comes
 * straight back with its reconnection token adds a bounded number of bytes to the ledger,
 * never the actions themselves; it must cool down before it may come back; and the other
 * seats play on.
 */
import { Client } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BUDGET_LIMITS } from '../../rooms/budget.ts';
import { REFUSAL_KEPT_BYTES } from '../../mechanisms/core/match.ts';
import { InProcessArena } from './helpers.ts';
import { auction as auctionOf } from './hostile-fixtures.ts';
import { act, legalOf, seatToken, sleep, waitFor, type ArenaRoomClient } from './process-helpers.ts';

let live: InProcessArena;
const serverErrors: string[] = [];

beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void serverErrors.push(args.map(String).join(' ')));
  live = await InProcessArena.start('budget');
});

afterAll(async () => {
  await live?.stop();
  vi.restoreAllMocks();
});

const auction = auctionOf(2, 'budget');

/** Bytes a session's ledger rows hold (their JSON), as the store writes them. */
const ledgerBytes = (session: string, seat: string) =>
  live.server.ledger
    .events(session)
    .filter((e) => e.seat === seat)
    .reduce((n, e) => n + JSON.stringify(e).length, 0);

describe('a flooding seat', () => {
  it('adds a bounded number of bytes to the ledger however it reconnects, records no junk payload, and cools down before coming back', async () => {
    const info = await live.seat(auction);
    const session = info.session;
    const honest = info.clients.p1 as ArenaRoomClient;
    const token = await seatToken(live.url, info.info, 'p0');
    (info.clients.p0 as ArenaRoomClient).reconnection.enabled = false;
    await (info.clients.p0 as ArenaRoomClient).leave(true);
    await waitFor(async () => (await live.room(session)).state.seats.get('p0')?.connected === false, 'p0 to leave');

    // About 7.6 KB of plain JSON: inside the message limits, far beyond what a refusal keeps.
    const pad = Array.from({ length: 7 }, () => 'junk'.repeat(240));
    const before = ledgerBytes(session, 'p0');
    const started = Date.now();
    const seconds = 3;
    let attacker = await new Client(live.url).joinById(token.roomId, { token: token.token });
    attacker.reconnection.enabled = false;
    let connections = 1;
    let coolingDown = 0;
    while (Date.now() - started < seconds * 1000) {
      // A flood far beyond the per-connection limit: the server closes the socket.
      const closed = new Promise<void>((done) => attacker.onLeave(() => done()));
      for (let i = 0; i < 200 && attacker.connection?.isOpen; i++) attacker.send('act', { stateId: 0, action: { type: 'bid', amount: -1, pad, n: i } });
      await Promise.race([closed, sleep(500)]);
      // ...and the client comes straight back with its reconnection token, as often as it may.
      for (;;) {
        try {
          const back = await new Client(live.url).reconnect(attacker.reconnectionToken);
          back.reconnection.enabled = false;
          attacker = back;
          connections++;
          break;
        } catch (error) {
          if (/COOLING_DOWN/.test(String((error as Error).message))) coolingDown++;
          if (Date.now() - started > seconds * 1000) break;
          await sleep(50);
        }
      }
    }
    const elapsed = (Date.now() - started) / 1000;
    const added = ledgerBytes(session, 'p0') - before;
    const rejections = live.server.ledger.events(session).filter((e) => e.seat === 'p0' && e.kind === 'rejection');

    // Each refusal is a code, a size and a fingerprint: the junk never reaches the record.
    expect(rejections.length).toBeGreaterThan(0);
    for (const r of rejections) {
      expect(r.data).toMatchObject({ code: expect.any(String), bytes: expect.any(Number), digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(r.data.bytes as number).toBeGreaterThan(REFUSAL_KEPT_BYTES);
      expect(r.data).not.toHaveProperty('action');
    }
    expect(JSON.stringify(live.server.ledger.events(session))).not.toContain('junkjunk');
    // At most the refusal burst, the refusals per second, and a few rows per connection cycle.
    const bound = (BUDGET_LIMITS.refusalBurst + BUDGET_LIMITS.refusalsPerSecond * elapsed + 4 * connections + 4) * 600;
    expect(added).toBeLessThan(bound);
    expect(bound).toBeLessThan(64 * 1024);
    // It was made to wait before coming back, and so came back only a few times.
    expect(coolingDown).toBeGreaterThan(0);
    expect(connections).toBeLessThan(8);

    // The honest seat plays on.
    await waitFor(async () => honest.state.stateId === (await live.room(session)).state.stateId && legalOf(honest, 'p1').length > 0, 'p1 to see the current state');
    expect(await act(honest, honest.state.stateId, { type: 'bid', amount: 12 })).toMatchObject({ ok: true });
    if (attacker.connection?.isOpen) await attacker.leave(true);
  }, 30_000);

  it('is refused RATE_LIMITED past its message budget on one connection, without a word in the record', async () => {
    const info = await live.seat(auction);
    const client = info.clients.p0 as ArenaRoomClient;
    const before = live.server.ledger.events(info.session).length;
    const replies: { ok: boolean; code?: string }[] = [];
    // Requests one after another: under the per-connection flood limit, over the seat's budget.
    const started = performance.now();
    for (let i = 0; i < BUDGET_LIMITS.messageBurst + 10; i++) replies.push((await client.request('act', { stateId: 999_999, action: { type: 'bid', amount: 1 } })) as { ok: boolean; code?: string });
    // The buckets refill while the requests go back and forth (slowly, on a busy machine): what they may let through.
    const seconds = (performance.now() - started) / 1000;
    const limited = replies.filter((r) => r.code === 'RATE_LIMITED').length;
    expect(limited).toBeGreaterThan(0);
    expect(replies.filter((r) => r.code === 'STALE_STATE').length).toBeLessThanOrEqual(BUDGET_LIMITS.messageBurst + Math.ceil(BUDGET_LIMITS.messagesPerSecond * seconds) + 1);
    const written = live.server.ledger.events(info.session).slice(before);
    expect(written.filter((e) => e.kind === 'rejection').length).toBeLessThanOrEqual(BUDGET_LIMITS.refusalBurst + Math.ceil(BUDGET_LIMITS.refusalsPerSecond * seconds) + 1);
    expect(client.connection.isOpen).toBe(true);
    // The refusals not written one by one are counted in one summary once the budget allows.
    await waitFor(() => live.server.ledger.events(info.session).some((e) => e.kind === 'refusals_suppressed' && e.seat === 'p0'), 'the summary of refusals', 5000);
    const summary = live.server.ledger.events(info.session).find((e) => e.kind === 'refusals_suppressed');
    expect(summary?.data).toMatchObject({ counts: { STALE_STATE: expect.any(Number) } });
  });
});
