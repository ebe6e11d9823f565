/**
 * The live bot harness (bots/live.ts) against a real server: a decision the session's
 * pause refused is made again once the session resumes. A pause and a resume leave the
 * engine's state as it was, so a bot that remembered only the states it had tried would
 * wait for a change that, in a market of bots, nobody else makes either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLiveBot, type LiveBot } from '../../bots/live.ts';
import type { AsyncPolicy, Decision, Observation } from '../../bots/policy.ts';
import type { SeatId } from '../../mechanisms/core/types.ts';
import { createSession, startTestServer, waitFor, type TestServer } from './helpers.ts';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t?.close();
});

/** A policy whose decisions the test hands out one at a time. */
function heldPolicy(): { policy: AsyncPolicy; asked: Observation[]; answer(decision: Decision | null): void } {
  const asked: Observation[] = [];
  const waiting: ((d: Decision | null) => void)[] = [];
  return {
    asked,
    policy: {
      name: 'held',
      decide: (obs) => {
        asked.push(obs);
        return new Promise((resolve) => waiting.push(resolve));
      },
    },
    answer: (decision) => {
      const next = waiting.shift();
      if (!next) throw new Error('no decision is pending');
      next(decision);
    },
  };
}

describe('a live bot across a pause', () => {
  let bot: LiveBot | null = null;

  afterAll(async () => {
    await bot?.stop();
  });

  it('decides again at the same state once the session resumes, and its action is then accepted', async () => {
    const info = await createSession(t, { mechanism: 'first-price', config: { rounds: 3, roundMs: 600_000 }, seats: [{ kind: 'human', count: 2 }], autoStart: true });
    const joined = await t.api('POST', '/api/join', { code: info.seats[0]?.code });
    expect(joined.status).toBe(200);
    const { roomId, token, seat } = joined.body as { roomId: string; token: string; seat: string };
    const held = heldPolicy();
    bot = await runLiveBot({ url: t.url, roomId, token, seat: seat as SeatId, policy: held.policy, mechanism: 'first-price', seed: 1 });
    const control = (op: string) => t.api('POST', `/api/sessions/${info.session}/control`, { op }, true);

    await waitFor(() => held.asked.length === 1, 5000, 'the first decision');
    const at = held.asked[0]?.stateId;
    expect((await control('pause')).status).toBe(200);
    await waitFor(() => bot?.room.state.status === 'paused', 5000, 'the pause to reach the bot');
    // Decided while the session runs, sent once it is paused: refused.
    held.answer({ action: { type: 'bid', amount: 5 } });
    await waitFor(() => bot?.stats.rejected === 1, 5000, 'the refusal');
    expect(held.asked).toHaveLength(1);

    expect((await control('resume')).status).toBe(200);
    await waitFor(() => held.asked.length === 2, 5000, 'a decision after the resume');
    expect(held.asked[1]?.stateId).toBe(at);
    held.answer({ action: { type: 'bid', amount: 5 } });
    await waitFor(() => bot?.stats.accepted === 1, 5000, 'the accepted bid');
    expect(bot.stats.rejected).toBe(1);
  });
});
