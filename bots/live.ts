/**
 * The live harness: a scripted policy seated in an arena as an ordinary Colyseus
 * client. It reads the same synchronized state a browser reads (its seat's view and
 * legal actions), decides, and sends `act` through the same protocol as a human.
 */
import { Client, type Room } from '@colyseus/sdk';
import type { Legal, SeatId } from '../mechanisms/core/types.ts';
import { Rng } from '../mechanisms/core/random.ts';
import { SeatObservation, type Policy } from './policy.ts';

export interface LiveBotOptions {
  /** Server address, e.g. http://127.0.0.1:2567 */
  readonly url: string;
  readonly roomId: string;
  readonly token: string;
  readonly seat: SeatId;
  readonly policy: Policy;
  readonly mechanism: string;
  readonly seed: number;
  /** Think time before each decision, drawn uniformly from [min, max] ms. */
  readonly thinkMs?: readonly [number, number];
  readonly describe?: (view: unknown) => string;
  readonly onError?: (error: unknown) => void;
}

export interface LiveBot {
  readonly room: Room;
  /** Actions accepted / rejected so far. */
  readonly stats: { accepted: number; rejected: number };
  stop(): Promise<void>;
}

interface DecodedSeat {
  view: string;
  legal: string;
}

interface DecodedState {
  status: string;
  stateId: number;
  privates: { get(seat: string): DecodedSeat | undefined };
}

export async function runLiveBot(options: LiveBotOptions): Promise<LiveBot> {
  const client = new Client(options.url);
  const room = await client.joinById<DecodedState>(options.roomId, { token: options.token, agent: `bot:${options.policy.name}` });
  const rng = new Rng(options.seed);
  const stats = { accepted: 0, rejected: 0 };
  const [minThink, maxThink] = options.thinkMs ?? [0, 0];
  let busy = false;
  let stopped = false;
  let lastTried = -1;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const act = async (): Promise<void> => {
    if (stopped || busy) return;
    const state = room.state;
    const mine = state?.privates?.get(options.seat);
    if (!mine || state.status !== 'running' || state.stateId === lastTried) return;
    const legal = JSON.parse(mine.legal) as Legal;
    if (legal.length === 0) return;
    busy = true;
    const stateId = state.stateId;
    lastTried = stateId;
    try {
      const think = maxThink > 0 ? rng.uniform(minThink, maxThink) : 0;
      if (think > 0) await new Promise((resolve) => (timer = setTimeout(resolve, think)));
      if (stopped) return;
      const observation = new SeatObservation(options.mechanism, options.seat, stateId, JSON.parse(mine.view) as unknown, legal, Date.now(), options.describe);
      const decision = options.policy.decide(observation, rng);
      if (!decision || !room.connection?.isOpen) return;
      const ack = (await room.request('act', { stateId, action: decision.action })) as { ok: boolean };
      if (ack.ok) stats.accepted++;
      else stats.rejected++;
    } catch (error) {
      if (!stopped) options.onError?.(error);
    } finally {
      busy = false;
      // The state may have moved on while this seat was thinking: look again.
      if (!stopped && room.state?.stateId !== lastTried) queueMicrotask(() => void act());
    }
  };

  // Events, chat and coalition messages reach the seat too; scripted policies decide from the view alone.
  room.onMessage('*', () => undefined);
  room.onStateChange(() => void act());
  // The room is gone (session ended, server shut down): nothing left to decide.
  room.onLeave(() => {
    stopped = true;
    if (timer) clearTimeout(timer);
  });
  return {
    room,
    stats,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await room.leave(true).catch(() => undefined);
    },
  };
}
