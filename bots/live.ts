/**
 * The live harness: a policy (scripted or LLM) seated in an arena as an ordinary Colyseus
 * client. It reads what a browser reads (its seat's view and legal actions, followed
 * as deltas by rooms/views.ts; the phase's deadline from the synchronized state), keeps what the room tells it (chat, coalition
 * news, events) for its next decision, decides, and sends `act`, `chat` and `coalition`
 * through the same protocol as a human. Only a pending decision is awaited.
 */
import { Client, type Room } from '@colyseus/sdk';
import type { Legal, SeatId } from '../mechanisms/core/types.ts';
import { Rng } from '../mechanisms/core/random.ts';
import { ViewFollower, type FollowedRoom } from '../rooms/views.ts';
import { isPending, SeatObservation, type AnyPolicy, type InboxItem } from './policy.ts';

export interface LiveBotOptions {
  /** Server address, e.g. http://127.0.0.1:2567 */
  readonly url: string;
  readonly roomId: string;
  readonly token: string;
  readonly seat: SeatId;
  readonly policy: AnyPolicy;
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

interface DecodedState {
  status: string;
  stateId: number;
  /** Wall-clock ms at which the current phase closes; 0 when none. */
  deadline: number;
}

export async function runLiveBot(options: LiveBotOptions): Promise<LiveBot> {
  const client = new Client(options.url);
  const room = await client.joinById<DecodedState>(options.roomId, { token: options.token, agent: `bot:${options.policy.name}` });
  const rng = new Rng(options.seed);
  const stats = { accepted: 0, rejected: 0 };
  const [minThink, maxThink] = options.thinkMs ?? [0, 0];
  let busy = false;
  let stopped = false;
  // A decision is tried once per state and run: a pause and a resume leave the engine's
  // stateId as it was, so an action the pause refused is tried again in the next run.
  let runs = 0;
  let running = false;
  let lastTried = '';
  // The room answers an action before the patch that shows it arrives: until the state has
  // reached the acknowledged stateId, the seat's legal list is stale and deciding again would
  // only earn a rejection (and, for an LLM seat, a wasted call).
  let acknowledged = -1;
  let timer: ReturnType<typeof setTimeout> | null = null;
  // What the room told the seat since its last decision; bounded, oldest dropped first.
  let inbox: InboxItem[] = [];
  const INBOX_KEPT = 100;
  const hear = (kind: InboxItem['kind']) => (data: unknown) => {
    inbox.push({ kind, data });
    if (inbox.length > INBOX_KEPT) inbox = inbox.slice(-INBOX_KEPT);
  };

  // The views of a state arrive one message after another, just before the patch of that state:
  // the seat decides at a patch (or a whole snapshot), when its view and legal actions agree.
  const current = () => Math.max(room.state?.stateId ?? -1, snapshotAt);
  let snapshotAt = -1;
  const attempt = () => `${runs}:${current()}`;
  const observeStatus = () => {
    const now = room.state?.status === 'running';
    if (now && !running) runs++;
    running = now;
  };
  const act = async (): Promise<void> => {
    observeStatus();
    if (stopped || busy) return;
    const state = room.state;
    const legal: Legal | null = views.legal(options.seat);
    const stateId = current();
    if (!legal || state?.status !== 'running' || attempt() === lastTried || stateId < acknowledged) return;
    if (legal.length === 0) return;
    busy = true;
    lastTried = attempt();
    try {
      const think = maxThink > 0 ? rng.uniform(minThink, maxThink) : 0;
      if (think > 0) await new Promise((resolve) => (timer = setTimeout(resolve, think)));
      if (stopped) return;
      const heard = inbox;
      inbox = [];
      const deadline = state.deadline > 0 ? state.deadline : null;
      const observation = new SeatObservation(options.mechanism, options.seat, stateId, views.view(options.seat), legal, Date.now(), options.describe, deadline, heard);
      const decided = options.policy.decide(observation, rng);
      const decision = isPending(decided) ? await decided : decided;
      if (!decision || stopped || !room.connection?.isOpen) return;
      const ack = (await room.request('act', { stateId, action: decision.action })) as { ok: boolean; stateId?: number; code?: string; message?: string };
      if (ack.ok) {
        stats.accepted++;
        acknowledged = Math.max(acknowledged, ack.stateId ?? -1);
      }
      else {
        stats.rejected++;
        options.policy.rejected?.({ code: ack.code ?? 'REJECTED', message: ack.message ?? '' });
      }
      for (const message of decision.chat ?? []) room.send('chat', message);
      for (const move of decision.coalition ?? []) room.send('coalition', move);
    } catch (error) {
      if (!stopped) options.onError?.(error);
    } finally {
      busy = false;
      // The state may have moved on while this seat was thinking: look again.
      if (!stopped && attempt() !== lastTried && current() >= acknowledged) queueMicrotask(() => void act());
    }
  };

  // Scripted policies decide from the view alone; LLM seats read what they were told.
  room.onMessage('chat', hear('chat'));
  room.onMessage('coalition', hear('coalition'));
  room.onMessage('events', hear('events'));
  room.onMessage('rejected', hear('rejected'));
  room.onMessage('*', () => undefined);
  const views = new ViewFollower(room as unknown as FollowedRoom, {
    onChange: (what) => {
      if (what !== 'snapshot') return;
      snapshotAt = views.stateId;
      void act();
    },
    onError: (error) => !stopped && options.onError?.(error),
  });
  room.onStateChange(() => void act());
  // The room is gone (session ended, server shut down): nothing left to decide.
  room.onLeave(() => {
    stopped = true;
    views.dispose();
    if (timer) clearTimeout(timer);
    options.policy.dispose?.();
  });
  return {
    room,
    stats,
    async stop() {
      stopped = true;
      views.dispose();
      if (timer) clearTimeout(timer);
      options.policy.dispose?.();
      await room.leave(true).catch(() => undefined);
    },
  };
}
