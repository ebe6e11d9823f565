/**
 * Stand-ins: with `standIn`, a bot plays each human seat until a person joins with the
 * seat's code and takes it over (a `seat_claimed` event); the bot's connection is let go
 * and nothing it sends counts any more. The directory still offers the seat to people.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, joinSeat, startTestServer, waitFor, type TestServer } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

describe('stand-in bots', () => {
  it('play a human seat until a person takes it over', async () => {
    const info = await createSession(t, {
      title: 'Stand-in',
      mechanism: 'first-price',
      config: { rounds: 50, values: { kind: 'uniformInt', low: 0, high: 100 }, bidStep: 1 },
      seats: [{ kind: 'human' }, { kind: 'bot', policy: 'truthful' }],
      dropout: { policy: 'replace', bot: 'equilibrium' },
      standIn: true,
      autoStart: true,
      public: true,
    });
    const events = () => t.server.ledger.events(info.session);
    const bidsBy = (seat: string) => events().filter((e) => e.kind === 'action' && e.seat === seat).length;
    // The stand-in bids for p0: rounds go by with nobody there.
    await waitFor(() => bidsBy('p0') >= 3, 5000, 'the stand-in to bid for p0');
    const room = await t.server.room(info.session);
    expect(room?.state.seats.get('p0')).toMatchObject({ holder: 'bot', policy: 'equilibrium', connected: true });
    const listed = (await t.api('GET', '/api/arenas')).body as { session: string; seats: { open: number } }[];
    expect(listed.find((a) => a.session === info.session)?.seats.open).toBe(1);

    // A person joins with the code: the seat is theirs, not a 409.
    const code = info.seats.find((s) => s.seat === 'p0')?.code as string;
    const { room: person } = await joinSeat(t, code);
    await waitFor(() => room?.state.seats.get('p0')?.holder === 'human', 3000, 'the person to hold p0');
    expect(room?.state.seats.get('p0')).toMatchObject({ holder: 'human', policy: '', connected: true });
    const claimed = events().filter((e) => e.kind === 'seat_claimed');
    expect(claimed).toHaveLength(1);
    expect(claimed[0]).toMatchObject({ seat: 'p0', audience: 'experimenter', data: { from: 'bot', policy: 'equilibrium', to: 'human' } });

    // From now on only the person bids for p0: the stand-in is gone.
    const before = bidsBy('p0');
    await new Promise((r) => setTimeout(r, 800));
    expect(bidsBy('p0')).toBe(before);
    const ack = (await person.request('act', { stateId: person.state.stateId, action: { type: 'bid', amount: 1 } })) as { ok: boolean };
    expect(ack.ok).toBe(true);
    expect(bidsBy('p0')).toBe(before + 1);
    // A second person with the same code is still refused while the first holds the seat.
    await expect(joinSeat(t, code)).rejects.toThrow(/409|taken/);
  });
});
