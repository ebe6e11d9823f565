/**
 * One connection to an arena over @colyseus/sdk, as reactive state. The synchronized
 * state's JSON fields are parsed only when they change; the views arrive as deltas
 * (rooms/views.ts) and are held raw, a new object for each change; events, chat and
 * coalition news are kept in bounded lists. Seats, spectators and the experimenter all
 * use this class: what arrives is what the server lets each of them see.
 */
import { Client, type Room } from '@colyseus/sdk';
import type { Benchmark, Legal, Progress } from '../../../mechanisms/core/types.ts';
import type { Communication } from '../../../mechanisms/core/policy.ts';
import type { AdminMessage, ChatMessage, CoalitionMessage, EventMessage, ServerMessages } from '../../../rooms/protocol.ts';
import { rejectionWords } from './rejections.ts';
import type { IntegrityMessage, Participant } from '../../../rooms/protocol.ts';
import type { SeatPerson } from '../../../rooms/participants.ts';
import { ViewFollower, type FollowedRoom } from '../../../rooms/views.ts';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface SeatSummary {
  readonly seat: string;
  readonly role: string;
  /** 'open', 'human' or 'bot'. */
  readonly holder: string;
  readonly policy: string;
  readonly connected: boolean;
  readonly waiting: boolean;
  /** The holder's nickname when the session shows nicknames to everyone, else ''. */
  readonly name: string;
}

export interface SeatPrivate {
  readonly view: unknown;
  readonly legal: Legal;
}

/** The synchronized state as plain data. */
export interface ArenaSnapshot {
  readonly session: string;
  readonly mechanism: string;
  readonly title: string;
  readonly rules: string;
  /** lobby | running | paused | ended */
  readonly status: string;
  /** A code while something only the experimenter can clear stops the session ('STORE_FAILED'), else ''. */
  readonly alert: string;
  /** The experimenter's announcement to everyone, or null when there is none. */
  readonly announcement: Announcement | null;
  readonly stateId: number;
  readonly phaseId: number;
  /** Epoch ms of the next deadline, 0 when none. */
  readonly deadline: number;
  readonly publicView: unknown;
  /** Where the match stands (mechanism.progress): round or period, of how many, the phase; null before the first state. */
  readonly progress: Progress | null;
  /** The public benchmarks of the session's config, by name (`equilibrium_price`, ...). */
  readonly benchmarks: Readonly<Record<string, Benchmark>>;
  readonly communication: Communication;
  readonly seats: readonly SeatSummary[];
  /** Private entries this client may see: its own seat's, or every seat's for the experimenter. */
  readonly privates: Readonly<Record<string, SeatPrivate>>;
  /** Live measures of the match as it stands (experimenter only), else null. */
  readonly measures: LiveMeasures | null;
  /** Who holds each human seat and its integrity counts (experimenter only), else {}. */
  readonly people?: Readonly<Record<string, SeatPerson>>;
}

export interface Announcement {
  /** Its number in the session's record: a new announcement has a new id. */
  readonly id: number;
  readonly text: string;
  /** Session-clock ms when it was posted. */
  readonly at: number;
}

export interface LiveMeasures {
  readonly welfare: number;
  readonly maxWelfare: number;
  readonly efficiency: number | null;
  readonly revenue: number;
  readonly measures: Readonly<Record<string, number | null>>;
}

export interface ReceivedEvent extends EventMessage {
  /** Local receipt order. */
  readonly n: number;
}

export type ChatLine = ServerMessages['chat'] & { readonly from: string; readonly text: string };

export interface CoalitionNews {
  readonly coalition: string;
  readonly op: string;
  readonly seat: string;
  readonly by: string;
  readonly members: readonly string[];
  readonly at: number;
}

export type Ack = { ok: true; stateId: number } | { ok: false; code: string; message: string };

export interface Notice {
  readonly id: number;
  readonly text: string;
  readonly tone: 'error' | 'info';
}

const MAX_EVENTS = 400;
const MAX_CHAT = 300;
const MAX_NOTICES = 3;

interface DecodedSeatInfo {
  seat: string;
  role: string;
  holder: string;
  policy: string;
  connected: boolean;
  waiting: boolean;
  name?: string;
}

interface DecodedState {
  session: string;
  mechanism: string;
  title: string;
  rules: string;
  status: string;
  alert?: string;
  announcement?: string;
  stateId: number;
  phaseId: number;
  deadline: number;
  progress?: string;
  benchmarks?: string;
  communication: string;
  measures?: string;
  people?: string;
  seats: { forEach(cb: (value: DecodedSeatInfo, key: string) => void): void };
}

const keep = <T>(list: readonly T[], add: readonly T[], max: number): T[] => {
  const next = list.concat(add);
  return next.length > max ? next.slice(next.length - max) : next;
};

export class ArenaConnection {
  status = $state<ConnectionStatus>('connecting');
  /** Why the connection could not be made or was closed, in words. */
  problem = $state<string | null>(null);
  /** The experimenter handed this seat to another device: this page must not take it back. */
  released = $state(false);
  arena = $state.raw<ArenaSnapshot | null>(null);
  /** The engine events this connection received: its seat's own, and the public ones when it joined with `events: 'all'`. */
  events = $state.raw<readonly ReceivedEvent[]>([]);
  chat = $state.raw<readonly ChatLine[]>([]);
  coalitionNews = $state.raw<readonly CoalitionNews[]>([]);
  notices = $state.raw<readonly Notice[]>([]);

  #room: Room | null = null;
  #views: ViewFollower | null = null;
  #state: DecodedState | null = null;
  #parsed = new Map<string, { raw: string; value: unknown }>();
  #received = 0;
  #noticeId = 0;

  /** The seat's own private entry (players), or null. */
  get mine(): SeatPrivate | null {
    const a = this.arena;
    if (!a || !this.seat) return null;
    return a.privates[this.seat] ?? null;
  }

  readonly seat: string | null;

  constructor(seat: string | null = null) {
    this.seat = seat;
  }

  /**
   * Joins room `roomId` with a signed token, or takes back the connection a reconnection
   * token belongs to (a reloaded page); resolves once the first state has arrived.
   * `resumable` is told the reconnection token whenever it changes, for the device to keep.
   * The pages show the views, not an event feed: by default only the events addressed to
   * this seat arrive (`events: 'all'` asks for the public ones too).
   */
  async join(roomId: string, token: string, options: { endpoint?: string; reconnection?: string; resumable?: (reconnection: string) => void; participant?: Participant | null; events?: 'all' | 'own' } = {}): Promise<void> {
    this.status = 'connecting';
    this.problem = null;
    const client = new Client(options.endpoint ?? location.origin);
    let room: Room;
    try {
      room = options.reconnection ? await client.reconnect(options.reconnection) : await client.joinById(roomId, { token, agent: 'human:web', events: options.events ?? 'own', ...(options.participant ? { participant: options.participant } : {}) });
    } catch (error) {
      this.status = 'closed';
      this.problem = joinProblem(error);
      throw error;
    }
    this.#room = room;
    this.#views = new ViewFollower(room as unknown as FollowedRoom, {
      onChange: () => this.#state && this.#read(this.#state),
      onError: (error) => this.status === 'live' && this.notify(rejectionWords('BAD_MESSAGE', (error as Error).message)),
    });
    room.onStateChange((state: DecodedState) => this.#read(state));
    room.onMessage('events', (batch: EventMessage[]) => {
      this.events = keep(
        this.events,
        batch.map((e) => ({ ...e, n: ++this.#received })),
        MAX_EVENTS,
      );
    });
    room.onMessage('chat', (line: ChatLine) => (this.chat = keep(this.chat, [line], MAX_CHAT)));
    room.onMessage('coalition', (news: CoalitionNews) => (this.coalitionNews = keep(this.coalitionNews, [news], MAX_CHAT)));
    room.onMessage('rejected', (r: ServerMessages['rejected']) => this.notify(rejectionWords(r.code, r.message)));
    room.onMessage('*', () => undefined);
    room.onDrop(() => (this.status = 'reconnecting'));
    room.onReconnect(() => {
      this.status = 'live';
      options.resumable?.(room.reconnectionToken);
    });
    room.onLeave((code: number, reason?: string) => {
      this.status = 'closed';
      // An ended session's room closes a while after the end: that is no problem to report.
      if (this.arena?.status === 'ended') return;
      if (reason?.startsWith('SEAT_RELEASED')) {
        this.released = true;
        this.problem = 'The experimenter handed this seat to another device.';
      }
      else if (code > 1001) this.problem = reason || 'the arena closed the connection';
    });
    if (room.state) this.#read(room.state as DecodedState);
    await this.#views.ready;
    this.status = 'live';
    options.resumable?.(room.reconnectionToken);
  }

  /** Sends an action for the current state; resolves with the server's verdict (rejections also become a notice). */
  async act(action: { type: string } & Record<string, unknown>): Promise<Ack> {
    const room = this.#room;
    const stateId = this.arena?.stateId ?? 0;
    if (!room || this.status !== 'live') {
      this.notify(rejectionWords('NO_CONNECTION'));
      return { ok: false, code: 'NO_CONNECTION', message: 'not connected' };
    }
    try {
      const ack = (await room.request('act', { stateId, action })) as Ack;
      if (!ack.ok) this.notify(rejectionWords(ack.code, ack.message));
      return ack;
    } catch (error) {
      const message = (error as Error).message;
      this.notify(rejectionWords('BAD_MESSAGE', message));
      return { ok: false, code: 'BAD_MESSAGE', message };
    }
  }

  say(message: ChatMessage): void {
    this.#room?.send('chat', message);
  }

  /** An integrity signal of the seat page (lib/integrity.ts), for the experimenter; never refused for what it says. */
  report(signal: IntegrityMessage): void {
    if (this.status === 'live') this.#room?.send('integrity', signal);
  }

  coalition(message: CoalitionMessage): void {
    this.#room?.send('coalition', message);
  }

  async admin(op: AdminMessage['op']): Promise<Ack> {
    if (!this.#room) return { ok: false, code: 'NO_CONNECTION', message: 'not connected' };
    const ack = (await this.#room.request('admin', { op })) as Ack;
    if (!ack.ok) this.notify(rejectionWords(ack.code, ack.message));
    return ack;
  }

  notify(text: string, tone: Notice['tone'] = 'error'): void {
    this.notices = keep(this.notices, [{ id: ++this.#noticeId, text, tone }], MAX_NOTICES);
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  async leave(): Promise<void> {
    const room = this.#room;
    this.#room = null;
    this.#views?.dispose();
    this.#views = null;
    if (room) await room.leave(true).catch(() => undefined);
    this.status = 'closed';
  }

  /** JSON.parse, memoized per field so an unchanged string keeps its (identical) value. */
  #json<T>(key: string, raw: string | undefined, fallback: T): T {
    if (raw === undefined) return fallback;
    const hit = this.#parsed.get(key);
    if (hit && hit.raw === raw) return hit.value as T;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = fallback;
    }
    this.#parsed.set(key, { raw, value });
    return value as T;
  }

  #read(state: DecodedState): void {
    this.#state = state;
    const views = this.#views;
    const seats: SeatSummary[] = [];
    state.seats?.forEach((s) => seats.push({ seat: s.seat, role: s.role, holder: s.holder, policy: s.policy, connected: s.connected, waiting: s.waiting, name: s.name ?? '' }));
    seats.sort((a, b) => Number(a.seat.slice(1)) - Number(b.seat.slice(1)));
    const privates: Record<string, SeatPrivate> = {};
    for (const seat of views?.seats ?? []) privates[seat] = { view: views?.view(seat) ?? null, legal: views?.legal(seat) ?? [] };
    const prior = this.arena;
    const same = (a: SeatPrivate | undefined, b: SeatPrivate | undefined) => a !== undefined && b !== undefined && a.view === b.view && a.legal === b.legal;
    // Keep the old objects where nothing changed, so components keyed on them do not redraw.
    if (prior) for (const seat of Object.keys(privates)) if (same(prior.privates[seat], privates[seat])) privates[seat] = prior.privates[seat] as SeatPrivate;
    this.arena = {
      session: state.session,
      mechanism: state.mechanism,
      title: state.title,
      rules: state.rules,
      status: state.status,
      alert: state.alert ?? '',
      announcement: state.announcement ? this.#json<Announcement | null>('announcement', state.announcement, null) : null,
      // The views arrive just before the patch of the same state: the newer stateId is theirs.
      stateId: Math.max(state.stateId, views?.stateId ?? -1),
      phaseId: state.phaseId,
      deadline: state.deadline,
      publicView: views?.publicView ?? null,
      progress: this.#json<Progress | null>('progress', state.progress, null),
      benchmarks: this.#json<Readonly<Record<string, Benchmark>>>('benchmarks', state.benchmarks, {}),
      communication: this.#json<Communication>('communication', state.communication, { channels: [], maxLength: 280, ratePerMinute: 12, delayMs: 0, monitored: true }),
      seats: prior && sameSeats(prior.seats, seats) ? prior.seats : seats,
      privates,
      measures: this.#json<LiveMeasures | null>('measures', state.measures, null),
      people: this.#json<Record<string, SeatPerson>>('people', state.people, {}),
    };
  }
}

function sameSeats(a: readonly SeatSummary[], b: readonly SeatSummary[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i] as SeatSummary;
    return x.seat === y.seat && x.holder === y.holder && x.connected === y.connected && x.waiting === y.waiting && x.policy === y.policy && x.role === y.role;
  });
}

/** What the room says when it refuses a join (`CODE: words`), in words for the person joining. */
const JOIN_WORDS: Record<string, string> = {
  SEAT_TAKEN: 'This seat is already open in another window or device.',
  SEAT_HELD: 'This seat is kept for the device that held it: it lost its connection a moment ago and may come back. On a new device? Ask the experimenter to release the seat.',
  COOLING_DOWN: 'This seat sent too many messages and must wait a few seconds before it joins again.',
  FULL: 'This arena is full right now. Try again in a moment.',
  DELAYED_SPECTATORS: 'Spectators of this session watch with a delay: open the watch page again.',
  NO_SUCH_SEAT: 'This seat is not part of the session.',
  WRONG_SESSION: 'This link belongs to another session.',
  STORE_FAILED: 'The arena cannot write its record right now; the session is paused. Try again once the experimenter resumes it.',
};

function joinProblem(error: unknown): string {
  const code = (error as { code?: number }).code;
  const message = (error as Error).message ?? String(error);
  const said = /^([A-Z_]+): /.exec(message)?.[1];
  if (said && JOIN_WORDS[said]) return JOIN_WORDS[said];
  if (code === 409 || /already taken/.test(message)) return JOIN_WORDS.SEAT_TAKEN as string;
  if (code === 401 || /token/.test(message)) return 'This link is no longer valid. Ask for a new code.';
  if (/not found|no longer|does not exist|locked/i.test(message)) return 'This arena is closed.';
  return `Could not join the arena: ${message}`;
}
