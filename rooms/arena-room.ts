/**
 * One generic Colyseus room for every registered mechanism. The room is a transport
 * (STYLE habit 9): validate -> sequence -> engine -> ledger -> publish. It holds no
 * rule: what a seat may do and see comes from the engine's legal(), view() and
 * publicView(); every input and output is appended to the ledger before anyone is
 * told about it.
 */
import { CloseCode, Room, ServerError, matchMaker, type AuthContext, type Client, type MessageContext, type RoomException, type RoomMethodName } from '@colyseus/core';
import type { z } from 'zod';
import { StateView } from '@colyseus/schema';
import { Match, type MatchEntry, type MatchHeader } from '../mechanisms/core/match.ts';
import { Chain, type LedgerEvent } from '../mechanisms/core/ledger.ts';
import { replay } from '../mechanisms/core/replay.ts';
import { findMechanism } from '../mechanisms/registry.ts';
import { mechanismKey, type MechEvent, type SeatId } from '../mechanisms/core/types.ts';
import type { Communication } from '../mechanisms/core/policy.ts';
import { actMessage, adminMessage, chatMessage, coalitionMessage, type AdminMessage, type ActMessage, type ClientMessageType, type Role, type ServerMessages, type EventMessage } from './protocol.ts';
import { ArenaState, SeatInfo, SeatPrivate, TAG_EXPERIMENTER, type ArenaStateT, type SeatPrivateT } from './schema.ts';
import { resolveSession, type ResolvedSession, type SeatAssignment } from './session.ts';
import { arenaEnvironment } from './environment.ts';
import type { SeatClaims } from './tokens.ts';
import { Conversation } from './conversation.ts';
import { PatchScheduler } from './patch-scheduler.ts';
import { mirrorOf, type PublicSnapshot, type SpectatorRoom, type SpectatorRoomOptions } from './spectator-room.ts';
import { agentRecord } from './agent-record.ts';

export type ArenaClient = Client<{ auth: SeatClaims; userData: { seat: SeatId | null; role: Role }; messages: ServerMessages }>;

/** Options the server creates an arena room with (plain JSON). */
export interface ArenaRoomOptions {
  readonly session: string;
  readonly spec: unknown;
  readonly seed: number;
  /** Rebuild the match from the session's ledger (after a restart) instead of starting afresh. */
  readonly resume?: boolean;
  /** The session's status when the process stopped; a resumed session comes back in it. */
  readonly resumeStatus?: string;
}

/** What a handler answers: the reply to a request, or (when refused) the `rejected` message of a plain send. */
type Verdict = { ok: true; stateId?: number } | { ok: false; code: string; message: string };

/** The verdict on a message that does not match its schema: a code and where it went wrong, never the value itself. */
function badMessage(type: string, error: z.ZodError): Verdict {
  const first = error.issues[0];
  const where = first?.path.length ? ` at ${first.path.join('.').slice(0, 60)}` : '';
  return { ok: false, code: 'BAD_MESSAGE', message: `not a valid ${type} message${where}: ${(first?.message ?? 'invalid').slice(0, 120)}` };
}

export const TICK_MS = 100;
/** How often each room sends its state patch. */
export const PATCH_MS = 50;
const patches = new PatchScheduler(PATCH_MS, (error) => console.error(`arena patch: ${(error as Error).message}`));
/** The room type of the spectators' mirror of a delayed session (rooms/spectator-room.ts); the server defines it. */
export const SPECTATOR_ROOM = 'arena-spectators';
const SPECTATOR_SLOTS = 500;

export class ArenaRoom extends Room<{ state: ArenaStateT; client: ArenaClient }> {
  override state = new ArenaState();
  override autoDispose = false;
  override maxMessagesPerSecond = 60;
  /** Patches come from the process-wide scheduler (patches), every PATCH_MS, not from a timer per room. */
  override patchRate: number | null = null;

  session = '';
  #resolved!: ResolvedSession;
  #match!: Match;
  #chain!: Chain;
  #conversation!: Conversation;
  #seats = new Map<string, SeatAssignment>();
  #privates = new Map<string, SeatPrivateT>();
  #experimenters = new Set<ArenaClient>();
  /** Virtual clock: ms of running time since start, paused time excluded. */
  #startedWall = 0;
  #pausedWall = 0;
  #pausedTotal = 0;
  #jumped = 0;
  #chatSeq = 0;
  #shuttingDown = false;
  /** What the last sync published, to skip work when nothing changed. */
  #synced = { stateId: -1, status: '' };
  /** While an input runs through the engine: the ledger events it produced, written together afterwards (group commit). */
  #collecting: LedgerEvent[] | null = null;
  /** Engine events recorded since the last patch, delivered right after it (see broadcastPatch). */
  #outbox: EventMessage[] = [];
  #outboxAudiences: MechEvent['audience'][] = [];
  /** Delayed sessions: the spectators' mirror room and the last public part handed to it. */
  #mirror: SpectatorRoom | null = null;
  #mirrorRoomId: string | null = null;
  #mirrored = '';

  static override async onAuth(token: string | undefined, options: { token?: unknown } | undefined, _context: AuthContext): Promise<SeatClaims> {
    const claims = arenaEnvironment().tokens.verify(options?.token ?? token);
    if (!claims) throw new ServerError(401, 'invalid or expired token');
    return claims;
  }

  override async onCreate(options: ArenaRoomOptions): Promise<void> {
    const env = arenaEnvironment();
    this.session = options.session;
    this.#resolved = resolveSession(options.spec, options.seed, () => null);
    const { mechanism, config, seats } = this.#resolved;
    for (const s of seats) this.#seats.set(s.seat, s);
    const header: MatchHeader = { mechanism: mechanismKey(mechanism), config, seats: seats.map((s) => s.seat as SeatId), seed: this.#resolved.seed };
    const history = options.resume ? (env.history?.(this.session) ?? []) : [];
    if (history.length) {
      const rebuilt = replay(findMechanism, history);
      const last = history.at(-1) as LedgerEvent;
      this.#chain = new Chain(this.session, last);
      this.#match = new Match(mechanism, rebuilt.match.header, (e) => this.#write(e), { state: rebuilt.match.state, now: rebuilt.match.now });
      this.#jumped = rebuilt.match.now;
    } else {
      this.#chain = new Chain(this.session);
      this.#match = new Match(mechanism, header, (e) => this.#write(e));
    }
    const communication = (config as { communication?: Communication }).communication ?? { channels: [], maxLength: 280, ratePerMinute: 12, delayMs: 0, monitored: true };
    this.#conversation = new Conversation(communication, [...this.#seats.keys()]);
    this.maxClients = seats.length + SPECTATOR_SLOTS;
    this.setMetadata({ session: this.session, mechanism: mechanismKey(mechanism), title: this.#title() });

    const s = this.state;
    s.session = this.session;
    s.mechanism = mechanismKey(mechanism);
    s.title = this.#title();
    s.rules = mechanism.rules(config);
    s.communication = JSON.stringify(communication);
    for (const seat of seats) {
      s.seats.set(seat.seat, new SeatInfo({ seat: seat.seat, role: seat.role, holder: seat.kind === 'bot' ? 'bot' : 'open', policy: seat.policy ?? '' }));
      const entry = new SeatPrivate({ seat: seat.seat });
      this.#privates.set(seat.seat, entry);
      s.privates.set(seat.seat, entry);
    }
    this.#registerMessages();
    this.#sync();
    patches.add(this);
    if (this.#resolved.spec.spectatorDelayMs > 0) await this.#openMirror();
    if (history.length) this.#record({ kind: 'session_resumed', seat: null, audience: 'experimenter', data: { after: history.length, wall: Date.now() } });
    const was = options.resumeStatus;
    if (history.length ? was === 'running' || was === 'paused' : this.#resolved.spec.autoStart) this.#start();
    if (history.length && was === 'paused') this.#admin('pause');
  }

  /** Delayed sessions: opens the spectators' mirror room (see spectator-room.ts). */
  async #openMirror(): Promise<void> {
    const cache = await matchMaker.createRoom(SPECTATOR_ROOM, { session: this.session } satisfies SpectatorRoomOptions);
    const mirror = mirrorOf(this.session);
    if (!mirror || mirror.roomId !== cache.roomId) throw new Error(`the spectator room of ${this.session} did not open in this process`);
    const s = this.state;
    mirror.setFacts({ session: s.session, mechanism: s.mechanism, title: s.title, rules: s.rules, communication: s.communication });
    this.#mirror = mirror;
    this.#mirrorRoomId = cache.roomId;
    this.#mirrorPublicPart();
  }

  /** The room spectators join: the mirror of a delayed session, else this room. */
  get spectatorRoomId(): string {
    return this.#mirrorRoomId ?? this.roomId;
  }

  /** Hands the mirror the public part as it is now, to show after the delay (when it changed). */
  #mirrorPublicPart(): void {
    const mirror = this.#mirror;
    if (!mirror) return;
    const s = this.state;
    const seats: PublicSnapshot['seats'][number][] = [];
    s.seats.forEach((i) => seats.push({ seat: i.seat, role: i.role, holder: i.holder, policy: i.policy, connected: i.connected, waiting: i.waiting }));
    const snapshot: PublicSnapshot = { status: s.status, stateId: s.stateId, phaseId: s.phaseId, deadline: s.deadline, publicView: s.publicView, seats };
    const key = JSON.stringify(snapshot);
    if (key === this.#mirrored) return;
    this.#mirrored = key;
    this.clock.setTimeout(() => mirror.show(snapshot), this.#resolved.spec.spectatorDelayMs);
  }

  /** Public events and public chat reach the mirror's spectators after the delay. */
  #mirrorMessage<K extends 'events' | 'chat'>(type: K, message: ServerMessages[K], extraDelayMs = 0): void {
    const mirror = this.#mirror;
    if (mirror) this.clock.setTimeout(() => mirror.forward(type, message), this.#resolved.spec.spectatorDelayMs + extraDelayMs);
  }

  override onDispose(): void {
    patches.remove(this);
    this.#mirror?.disconnect().catch(() => undefined);
  }

  #title(): string {
    return this.#resolved.spec.title ?? this.#resolved.mechanism.title;
  }

  /** Running time of the match in ms. */
  now(): number {
    if (this.state.status === 'lobby') return this.#jumped;
    const wall = this.state.status === 'paused' ? this.#pausedWall : Date.now();
    return wall - this.#startedWall - this.#pausedTotal + this.#jumped;
  }

  get match(): Match {
    return this.#match;
  }

  get resolved(): ResolvedSession {
    return this.#resolved;
  }

  // --- the ledger -----------------------------------------------------------

  /**
   * Chains, stores (synchronously) and publishes one entry: nothing is told before this
   * returns. While an input is collecting (#durably), the entry is only chained here and
   * written with the input's other entries.
   */
  #write(entry: MatchEntry): LedgerEvent {
    const event = this.#chain.append(entry);
    if (this.#collecting) {
      this.#collecting.push(event);
      return event;
    }
    const env = arenaEnvironment();
    env.ledger.append(event);
    env.publish?.(event);
    return event;
  }

  /**
   * Runs one input through the engine and resolves once every ledger entry it produced
   * is on disk (the ledger's group commit: the inputs of one turn of the event loop share
   * one transaction). The caller tells the client, syncs views and delivers events only
   * after that, so nothing is seen before it is recorded.
   */
  async #durably<T>(fn: () => T): Promise<T> {
    const written: LedgerEvent[] = [];
    this.#collecting = written;
    let out: T;
    try {
      out = fn();
    } finally {
      this.#collecting = null;
    }
    if (written.length === 0) return out;
    const env = arenaEnvironment();
    const ledger = env.ledger;
    if (ledger.appendSoon) await ledger.appendSoon(written);
    else if (ledger.transaction) ledger.transaction(() => written.forEach((e) => ledger.append(e)));
    else written.forEach((e) => ledger.append(e));
    for (const e of written) env.publish?.(e);
    return out;
  }

  /** Runs one input through the engine inside one ledger transaction (one disk sync for its entries). */
  #atomically<T>(fn: () => T): T {
    const ledger = arenaEnvironment().ledger;
    return ledger.transaction ? ledger.transaction(fn) : fn();
  }

  #record(entry: Omit<MatchEntry, 'at'>): LedgerEvent {
    return this.#write({ ...entry, at: this.now() });
  }

  // --- synchronized views ---------------------------------------------------

  /**
   * Brings the synchronized state up to the engine's. Accepted actions only mark it
   * stale: the room rebuilds the views once per patch, right before it goes out. A
   * reader on the server (the API, tests) calls this before looking at `state`.
   */
  syncViews(): void {
    this.#sync();
  }

  #sync(): void {
    const { mechanism } = this.#resolved;
    const engine = this.#match.state;
    const s = this.state;
    if (this.#synced.stateId === engine.stateId && this.#synced.status === s.status) return;
    this.#synced = { stateId: engine.stateId, status: s.status };
    s.stateId = engine.stateId;
    s.phaseId = engine.phaseId;
    s.deadline = engine.deadline === null || s.status !== 'running' ? 0 : this.#wallOf(engine.deadline);
    s.publicView = JSON.stringify(mechanism.publicView(engine));
    for (const [seat, entry] of this.#privates) {
      const legal = mechanism.legal(engine, seat as SeatId);
      entry.view = JSON.stringify(mechanism.view(engine, seat as SeatId));
      entry.legal = JSON.stringify(legal);
      const info = s.seats.get(seat);
      if (info) info.waiting = legal.length === 0;
    }
    if (this.#experimenters.size) this.#syncExperimenterFields();
    if (engine.over && s.status !== 'ended') this.#setStatus('ended');
  }

  /** The engine state and the outcome so far, for experimenters only (a view tag keeps them from everyone else). */
  #syncExperimenterFields(): void {
    const engine = this.#match.state;
    const outcome = this.#resolved.mechanism.outcome(engine);
    this.state.full = JSON.stringify(engine);
    this.state.measures = JSON.stringify({
      welfare: outcome.welfare,
      maxWelfare: outcome.maxWelfare,
      efficiency: outcome.maxWelfare > 0 ? outcome.welfare / outcome.maxWelfare : null,
      revenue: outcome.revenue,
      measures: outcome.measures,
    });
  }


  /** Wall-clock time of a match time (stable between syncs: no second reading of the clock). */
  #wallOf(at: number): number {
    return this.#startedWall + this.#pausedTotal - this.#jumped + at;
  }

  #setStatus(status: string): void {
    this.state.status = status;
    arenaEnvironment().statusChanged?.(this.session, status);
    if (status === 'ended') this.#record({ kind: 'session_ended', seat: null, audience: 'public', data: { over: this.#match.over, hash: this.#match.hash(), wall: Date.now() } });
  }

  /** Queues engine events (the ledger already has them) for delivery right after the next patch. */
  #deliver(events: readonly MechEvent[]): void {
    if (!events.length) return;
    const at = this.now();
    for (const e of events) {
      this.#outbox.push({ kind: e.kind, data: e.data as Record<string, unknown>, at });
      this.#outboxAudiences.push(e.audience);
    }
  }

  /**
   * Sends each client the queued events addressed to it as one `events` message. The
   * public ones are encoded once for every client that gets nothing else; only the
   * experimenter and seats with events of their own get a message of their own.
   */
  #flushEvents(): void {
    const events = this.#outbox;
    const audiences = this.#outboxAudiences;
    if (!events.length) return;
    this.#outbox = [];
    this.#outboxAudiences = [];
    const publicOnly = audiences.every((a) => a === 'public') ? events : events.filter((_, i) => audiences[i] === 'public');
    if (this.#mirror && publicOnly.length) this.#mirrorMessage('events', publicOnly);
    const own: [ArenaClient, EventMessage[]][] = [];
    if (publicOnly !== events) {
      for (const client of this.clients) {
        const data = client.userData;
        if (!data) continue;
        const seat = data.seat;
        if (data.role === 'experimenter') own.push([client, events]);
        else if (seat !== null && audiences.some((a) => a !== 'public' && a !== 'experimenter' && a.includes(seat))) {
          own.push([client, events.filter((_, i) => {
            const a = audiences[i] as MechEvent['audience'];
            return a === 'public' || (a !== 'experimenter' && a.includes(seat));
          })]);
        }
      }
    }
    if (publicOnly.length) {
      if (own.length === 0) this.broadcast('events', publicOnly);
      else if (own.length < this.clients.length) this.broadcast('events', publicOnly, { except: own.map(([c]) => c) });
    }
    for (const [client, mine] of own) client.send('events', mine);
  }

  /**
   * The patch, then the events it shows, written to each socket together: the sockets are
   * corked around both, so a client gets one write (one system call) per patch instead of
   * one per message.
   */
  override broadcastPatch(): boolean {
    const corked: { uncork(): void }[] = [];
    for (const client of this.clients) {
      const socket = (client as unknown as { ref?: { _socket?: { cork?(): void; uncork(): void } } }).ref?._socket;
      if (socket?.cork) {
        socket.cork();
        corked.push(socket);
      }
    }
    try {
      this.#sync();
      const changed = super.broadcastPatch();
      this.#flushEvents();
      this.#mirrorPublicPart();
      return changed;
    } finally {
      for (const socket of corked) socket.uncork();
    }
  }

  /** Sends to the clients holding these seats and to every experimenter. */
  #sendTo<K extends 'chat' | 'coalition'>(seats: readonly string[], type: K, message: ServerMessages[K]): void {
    for (const client of this.clients) {
      const data = client.userData;
      if (!data) continue;
      if (data.role === 'experimenter' || (data.seat !== null && seats.includes(data.seat))) client.send(type, message);
    }
  }

  // --- the clock ------------------------------------------------------------

  #start(): void {
    if (this.state.status !== 'lobby') return;
    this.#startedWall = Date.now();
    this.#record({ kind: 'session_started', seat: null, audience: 'experimenter', data: { wall: this.#startedWall } });
    this.state.status = 'running';
    arenaEnvironment().statusChanged?.(this.session, 'running');
    this.clock.setInterval(() => this.#tick(), TICK_MS);
    this.#tick();
  }

  #tick(): void {
    if (this.state.status !== 'running') return;
    const before = this.#match.state;
    const events = this.#atomically(() => this.#match.tick(this.now()));
    if (this.#match.state === before && this.#synced.status === this.state.status) return;
    this.#sync();
    this.#deliver(events);
  }

  #admin(op: AdminMessage['op']): { ok: true } | { ok: false; code: string; message: string } {
    const status = this.state.status;
    switch (op) {
      case 'start':
        if (status !== 'lobby') return { ok: false, code: 'NOT_RUNNING', message: `the session is ${status}` };
        this.#start();
        return { ok: true };
      case 'pause':
        if (status !== 'running') return { ok: false, code: 'NOT_RUNNING', message: `the session is ${status}` };
        this.#pausedWall = Date.now();
        this.#setStatus('paused');
        this.#sync();
        return { ok: true };
      case 'resume':
        if (status !== 'paused') return { ok: false, code: 'NOT_RUNNING', message: `the session is ${status}` };
        this.#pausedTotal += Date.now() - this.#pausedWall;
        this.#setStatus('running');
        this.#tick();
        return { ok: true };
      case 'advance': {
        const deadline = this.#match.state.deadline;
        if (status !== 'running') return { ok: false, code: 'NOT_RUNNING', message: `the session is ${status}` };
        if (deadline === null) return { ok: false, code: 'NO_DEADLINE', message: 'the current phase has no deadline to advance to' };
        this.#jumped += Math.max(0, deadline - this.now());
        this.#tick();
        return { ok: true };
      }
      case 'end':
        if (status === 'ended') return { ok: false, code: 'NOT_RUNNING', message: 'the session has ended' };
        this.#setStatus('ended');
        this.#sync();
        return { ok: true };
    }
  }

  /** Control from the server's experimenter API (same path as the admin message). */
  control(op: AdminMessage['op'], by = 'api'): { ok: true } | { ok: false; code: string; message: string } {
    const result = this.#admin(op);
    // `wall` (epoch ms) ties the match clock of the record to the calendar: start, pauses, jumps.
    this.#record({ kind: result.ok ? 'admin' : 'room_rejection', seat: null, audience: 'experimenter', data: { op, by, wall: Date.now(), ...(result.ok ? {} : { code: result.code }) } });
    return result;
  }

  /**
   * Appends a record of an agent the server seated on `seat` (an LLM call), experimenter
   * audience only; refused (false) when it is not a valid, bounded record of a seat here.
   */
  recordAgent(seat: string, record: unknown): boolean {
    const parsed = agentRecord.safeParse(record);
    if (!parsed.success || !this.#seats.has(seat)) return false;
    this.#record({ kind: parsed.data.kind, seat: seat as SeatId, audience: 'experimenter', data: parsed.data.data });
    return true;
  }

  // --- messages -------------------------------------------------------------

  /**
   * Registers a handler that validates its message itself, so that a malformed message
   * gets a coded rejection (BAD_MESSAGE) instead of closing the connection. A request
   * (`room.request`) gets the verdict as its reply; a plain `send` gets a refusal as a
   * `rejected` message and nothing when all went well.
   */
  #on<S extends z.ZodType>(type: ClientMessageType, schema: S, handle: (client: ArenaClient, msg: z.output<S>) => Verdict | Promise<Verdict>): void {
    this.onMessage(type, (client: ArenaClient, raw: unknown, ctx?: MessageContext) => {
      const asked = ctx?.id !== undefined;
      const parsed = schema.safeParse(raw);
      const verdict = parsed.success ? handle(client, parsed.data) : badMessage(type, parsed.error);
      if (asked) return verdict;
      if (verdict instanceof Promise) void verdict.then((v) => this.#tell(client, type, v), () => undefined);
      else this.#tell(client, type, verdict);
      return undefined;
    });
  }

  #tell(client: ArenaClient, type: ClientMessageType | 'unknown', verdict: Verdict): void {
    if (!verdict.ok) client.send('rejected', { for: type, code: verdict.code, message: verdict.message });
  }

  #registerMessages(): void {
    this.#on('act', actMessage, (client, msg) => {
      const seat = this.#playerSeat(client);
      if (!seat) return { ok: false, code: 'FORBIDDEN', message: 'only a seated player acts' };
      if (this.state.status !== 'running') {
        this.#record({ kind: 'room_rejection', seat, audience: [seat], data: { code: 'NOT_RUNNING', stateId: msg.stateId, action: msg.action } });
        return { ok: false, code: 'NOT_RUNNING', message: `the session is ${this.state.status}` };
      }
      return this.#act(seat, msg);
    });

    this.#on('chat', chatMessage, (client, msg) => {
      const from = this.#speaker(client);
      if (!from) return { ok: false, code: 'FORBIDDEN', message: 'spectators do not chat' };
      const delivery = this.#conversation.chat(from, msg, Date.now());
      if (!delivery.ok) return delivery;
      this.#sync();
      const round = (JSON.parse(this.state.publicView) as { round?: number; period?: number } | null) ?? null;
      const event = this.#record({ kind: 'chat', seat: client.userData?.seat ?? null, audience: delivery.audience === 'public' ? 'public' : (delivery.audience as SeatId[]), data: { ...delivery.data, round: round?.round ?? round?.period ?? null } });
      const message: ServerMessages['chat'] = { id: ++this.#chatSeq, ...delivery.data, channel: msg.channel, at: event.at, round: event.data.round };
      const send = () => (delivery.audience === 'public' ? this.broadcast('chat', message) : this.#sendTo(delivery.audience as string[], 'chat', message));
      const delay = this.#conversation.policy.delayMs;
      if (delay > 0) this.clock.setTimeout(send, delay);
      else send();
      if (delivery.audience === 'public') this.#mirrorMessage('chat', message, delay);
      return { ok: true };
    });

    this.#on('coalition', coalitionMessage, (client, msg) => {
      const seat = this.#playerSeat(client);
      if (!seat) return { ok: false, code: 'FORBIDDEN', message: 'only a seated player joins coalitions' };
      const delivery = this.#conversation.coalition(seat, msg, Date.now());
      if (!delivery.ok) return delivery;
      const event = this.#record({ kind: 'coalition', seat, audience: delivery.audience as SeatId[], data: delivery.data });
      this.#sendTo(delivery.audience as string[], 'coalition', { ...delivery.data, at: event.at });
      return { ok: true };
    });

    this.#on('admin', adminMessage, (client, msg) => {
      if (client.userData?.role !== 'experimenter') return { ok: false, code: 'FORBIDDEN', message: 'experimenter only' };
      return this.control(msg.op, 'experimenter');
    });

    // A plain send of any other type is refused with a code and the connection stays (floods
    // still close it). A request of an unknown type gets Colyseus' own `no_handler` error
    // reply; one of type '*' reaches this handler as a request (its third argument is the
    // request context, whose functions no decoded message can carry) and gets the verdict.
    this.onMessage('*', (client: ArenaClient, _type: unknown, context: unknown) => {
      const verdict: Verdict = { ok: false, code: 'BAD_MESSAGE', message: 'unknown message type' };
      if (typeof (context as MessageContext | undefined)?.reject === 'function') return verdict;
      this.#tell(client, 'unknown', verdict);
      return undefined;
    });
  }

  /** An action through the engine; the verdict goes out once the ledger has it. */
  async #act(seat: SeatId, msg: ActMessage): Promise<Verdict> {
    const result = await this.#durably(() => this.#match.submit(seat, msg.stateId, msg.action, this.now()));
    if (!result.ok) return { ok: false, code: result.code, message: result.message };
    // The views are rebuilt once per patch (broadcastPatch), however many actions came in since.
    this.#deliver(result.events);
    return { ok: true, stateId: result.stateId };
  }

  #playerSeat(client: ArenaClient): SeatId | null {
    const data = client.userData;
    return data && data.role === 'player' ? data.seat : null;
  }

  #speaker(client: ArenaClient): string | null {
    const data = client.userData;
    if (!data) return null;
    return data.role === 'experimenter' ? 'experimenter' : data.seat;
  }

  // --- joining, dropping, replacing ------------------------------------------

  override onJoin(client: ArenaClient, options: { agent?: unknown } | undefined, auth: SeatClaims): void {
    const agent = typeof options?.agent === 'string' ? options.agent.slice(0, 64) : null;
    const bot = agent?.startsWith('bot:') ?? false;
    if (auth.session !== this.session) throw new ServerError(403, 'this token is for another session');
    if (auth.role === 'spectator' && this.#mirror) throw new ServerError(403, 'the spectators of this session watch with a delay, in its spectator room');
    client.view = new StateView();
    if (auth.role === 'player') {
      const info = this.state.seats.get(auth.seat);
      const entry = this.#privates.get(auth.seat);
      if (!info || !entry) throw new ServerError(403, 'no such seat');
      const held = this.clients.find((c) => c !== client && c.userData?.seat === auth.seat);
      // In a stand-in session a person takes a human seat over from the bot playing it (the
      // stand-in, or a dropout replacement); elsewhere a replacement keeps the seat.
      const claim = held !== undefined && !bot && this.#resolved.spec.standIn && info.holder === 'bot' && this.#seats.get(auth.seat)?.kind === 'human';
      if (held && !claim) throw new ServerError(409, 'this seat is already taken');
      client.view.add(entry);
      info.connected = true;
      if (claim) {
        this.#record({ kind: 'seat_claimed', seat: auth.seat as SeatId, audience: 'experimenter', data: { from: 'bot', policy: info.policy, to: 'human', agent } });
        info.holder = 'human';
        info.policy = '';
        held.userData = undefined;
        held.leave(CloseCode.CONSENTED);
      } else if (info.holder === 'open') {
        info.holder = bot ? 'bot' : 'human';
        if (bot && agent) info.policy = agent.slice(4);
      }
      this.#record({ kind: 'seat_joined', seat: auth.seat as SeatId, audience: 'experimenter', data: { holder: info.holder, agent } });
      client.userData = { seat: auth.seat as SeatId, role: 'player' };
      return;
    }
    if (auth.role === 'experimenter') {
      client.view.add(this.state, TAG_EXPERIMENTER);
      for (const entry of this.#privates.values()) client.view.add(entry);
      this.#experimenters.add(client);
      this.#syncExperimenterFields();
    }
    client.userData = { seat: null, role: auth.role };
  }

  override onBeforeShutdown(): void {
    this.#shuttingDown = true;
    super.onBeforeShutdown();
  }

  override onUncaughtException(error: RoomException, method: RoomMethodName): void {
    // A refusal meant for the client (401, 403, 409) reaches it anyway; anything else is a bug
    // worth a log line, never a reason to take the process (and every other session) down.
    if (error.cause instanceof ServerError) return;
    console.error(`arena ${this.session}: ${method} threw: ${error.message}`);
  }

  override onDrop(client: ArenaClient, code?: number): void {
    if (!client.userData || this.#shuttingDown || code === CloseCode.SERVER_SHUTDOWN) return;
    const seat = this.#playerSeat(client);
    if (seat) {
      const info = this.state.seats.get(seat);
      if (info) info.connected = false;
      this.#record({ kind: 'seat_dropped', seat, audience: 'experimenter', data: {} });
    }
    this.allowReconnection(client, this.#resolved.spec.dropout.graceSeconds).catch(() => {});
  }

  override onReconnect(client: ArenaClient): void {
    const seat = this.#playerSeat(client);
    if (!seat) return;
    const info = this.state.seats.get(seat);
    if (info) info.connected = true;
    this.#record({ kind: 'seat_reconnected', seat, audience: 'experimenter', data: {} });
  }

  override onLeave(client: ArenaClient, code?: number): void {
    this.#experimenters.delete(client);
    client.view?.dispose();
    const seat = this.#playerSeat(client);
    if (!seat || this.#shuttingDown || code === CloseCode.SERVER_SHUTDOWN) return;
    // The seat's holder came back on a new connection while this one was in its grace period.
    if (this.clients.some((c) => c !== client && c.userData?.seat === seat)) return;
    const info = this.state.seats.get(seat);
    if (!info) return;
    info.connected = false;
    this.#record({ kind: 'seat_left', seat, audience: 'experimenter', data: { holder: info.holder } });
    const { dropout } = this.#resolved.spec;
    if (info.holder === 'human' && dropout.policy === 'replace' && this.state.status !== 'ended') {
      info.holder = 'bot';
      info.policy = dropout.bot;
      this.#record({ kind: 'seat_replaced', seat, audience: 'experimenter', data: { from: 'human', to: dropout.bot, params: dropout.botParams } });
      arenaEnvironment().seatBot?.(this.session, seat, dropout.bot, dropout.botParams);
    }
  }
}
