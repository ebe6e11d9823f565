/**
 * One generic Colyseus room for every registered mechanism. The room is a transport
 * (STYLE habit 9): validate -> sequence -> engine -> ledger -> publish. It holds no
 * rule: what a seat may do and see comes from the engine's legal(), view() and
 * publicView(). Its jobs live in modules of their own: the write-ahead journal
 * (write-ahead.ts: nothing is told or shown before the ledger has it, and a refused
 * write changes nothing), seating and admission (seating.ts), what one seat may cost
 * (budget.ts), the match clock (session-clock.ts), chat and coalitions
 * (conversation.ts), the delayed spectators' mirror (spectator-room.ts) and patch
 * pacing (patch-scheduler.ts).
 */
import { CloseCode, Room, ServerError, generateId, type AuthContext, type Client, type Deferred, type MessageContext, type RoomException, type RoomMethodName } from '@colyseus/core';
import type { z } from 'zod';
import { StateView } from '@colyseus/schema';
import { Match, type MatchEntry, type MatchHeader } from '../mechanisms/core/match.ts';
import { Chain, type LedgerEvent } from '../mechanisms/core/ledger.ts';
import { replay } from '../mechanisms/core/replay.ts';
import { findMechanism } from '../mechanisms/registry.ts';
import { mechanismKey, type BaseState, type Benchmark, type Legal, type MechEvent, type SeatId } from '../mechanisms/core/types.ts';
import type { Communication } from '../mechanisms/core/policy.ts';
import { actMessage, adminMessage, announceMessage, chatMessage, coalitionMessage, eventsWanted, integrityMessage, participantMessage, viewsRequest, type AdminMessage, type EventsWanted, type ActMessage, type ClientMessageType, type Participant, type Role, type ServerMessages, type EventMessage } from './protocol.ts';
import { Participants } from './participants.ts';
import { ArenaState, SeatInfo, TAG_EXPERIMENTER, type ArenaStateT } from './schema.ts';
import { ViewPublisher, type SeatViewMessage, type ViewsSnapshot } from './views.ts';
import { fanOut, type Listener } from './fan-out.ts';
import { resolveSession, type ResolvedSession, type SeatAssignment } from './session.ts';
import { arenaEnvironment } from './environment.ts';
import type { SeatClaims } from './tokens.ts';
import { Conversation } from './conversation.ts';
import { PatchScheduler } from './patch-scheduler.ts';
import { MirrorLink, type PublicSnapshot } from './spectator-room.ts';
import { agentRecord } from './agent-record.ts';
import { Journal, StoreFailed } from './write-ahead.ts';
import { Seating, type ClassSeats, type JoinRequest, type Refused } from './seating.ts';
import { Budgets } from './budget.ts';
import { SessionClock } from './session-clock.ts';

/** What a client's auth holds: its token's claims, the ticket its join was granted under, and its address. */
export type ArenaAuth = SeatClaims & { readonly sessionId: string; readonly address: string; readonly participant?: Participant; readonly events?: EventsWanted };
export type ArenaClient = Client<{ auth: ArenaAuth; userData: { seat: SeatId | null; role: Role }; messages: ServerMessages }>;

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
type Refusal = { ok: false; code: string; message: string };
type Verdict = { ok: true; stateId?: number; views?: ViewsSnapshot } | Refusal;

/** The verdict on a message that does not match its schema: a code and where it went wrong, never the value itself. */
function badMessage(type: string, error: z.ZodError): Verdict {
  const first = error.issues[0];
  const where = first?.path.length ? ` at ${first.path.join('.').slice(0, 60)}` : '';
  return { ok: false, code: 'BAD_MESSAGE', message: `not a valid ${type} message${where}: ${(first?.message ?? 'invalid').slice(0, 120)}` };
}

const storeFailed = (error: StoreFailed): Verdict => ({ ok: false, code: error.code, message: error.message });

/** A write after the session's record ended (`session_ended`). */
class RecordClosed extends Error {
  constructor() {
    super('the session has ended');
  }
}
const ended: Refusal = { ok: false, code: 'NOT_RUNNING', message: 'the session has ended' };

/** A refused join as Colyseus reports it to the client: the HTTP status, and the code before the plain words. */
export const joinRefusal = (refused: Refused): ServerError => new ServerError(refused.status, `${refused.code}: ${refused.message}`);

export const TICK_MS = 100;
/** How often each room sends its state patch. */
export const PATCH_MS = 50;
const patches = new PatchScheduler(PATCH_MS, (error) => console.error(`arena patch: ${(error as Error).message}`));
/** The room type of the spectators' mirror of a delayed session (rooms/spectator-room.ts); the server defines it. */
export const SPECTATOR_ROOM = 'arena-spectators';
/** How long an ended session's room stays open (clients see the final state) before it is disposed; its record stays in the ledger. */
export const ENDED_LINGER_MS = 60_000;
/** Close codes of a connection closed for abuse: a flood beyond the message rate, a frame beyond the size limit. */
const ABUSIVE_CLOSES: readonly number[] = [CloseCode.WITH_ERROR, 1009];

/** The arena rooms of this process, by session (admission is decided at the seat reservation, before any room hook runs). */
const arenas = new Map<string, ArenaRoom>();

export class ArenaRoom extends Room<{ state: ArenaStateT; client: ArenaClient }> {
  override state = new ArenaState();
  override autoDispose = false;
  override maxMessagesPerSecond = 60;
  /** Patches come from the process-wide scheduler (patches), every PATCH_MS, not from a timer per room. */
  override patchRate: number | null = null;

  session = '';
  #resolved!: ResolvedSession;
  #match!: Match;
  #journal!: Journal;
  #conversation!: Conversation;
  #seating!: Seating;
  readonly #budgets = new Budgets(arenaEnvironment().seatBudget);
  readonly #participants = new Participants();
  /** The seat whose action is going through the engine now, with its response time (recorded in the action's event). */
  #responding: { seat: string; ms: number | null } | null = null;
  #clock = new SessionClock();
  #seats = new Map<string, SeatAssignment>();
  /** The views as last sent (rooms/views.ts): the public view, and each seat's own part and legal actions. */
  readonly #views = new ViewPublisher();
  /** Every benchmark of the session's config; the public ones are in the state for everyone. */
  #benchmarks: Readonly<Record<string, Benchmark>> = {};
  #experimenters = new Set<ArenaClient>();
  /** Connections (by session id) that asked for the events addressed to their seat only, not the public ones. */
  readonly #ownEventsOnly = new Set<string>();
  /** Dropped clients within their grace period, by seat, with the reconnection Colyseus waits for. */
  readonly #grace = new Map<string, { client: ArenaClient; reconnection: Deferred<Client> }>();
  #chatSeq = 0;
  #shuttingDown = false;
  /** What the last sync published, to skip work when nothing changed. */
  #synced = { stateId: -1, status: '', alert: '' };
  /** Engine events recorded since the last patch, delivered right after it (see broadcastPatch). */
  #outbox: EventMessage[] = [];
  #outboxAudiences: MechEvent['audience'][] = [];
  /** Delayed sessions: the spectators' mirror room. */
  #mirror: MirrorLink | null = null;

  /**
   * Decides a join when its seat is reserved (the matchmaking request), so that a seat,
   * a spectator place or an experimenter place is granted only to a token that may have
   * it and only while it is free: nobody can hold places with requests they never follow up.
   */
  static override async onAuth(token: string | undefined, options: { token?: unknown; participant?: unknown; events?: unknown } | undefined, context: AuthContext): Promise<ArenaAuth> {
    const claims = arenaEnvironment().tokens.verify(options?.token ?? token);
    if (!claims) throw new ServerError(401, 'invalid or expired token');
    const events = eventsWanted.safeParse(options?.events);
    if (!events.success) throw new ServerError(400, "BAD_OPTION: events is 'all' (every event this client may see, the default) or 'own' (only those addressed to its seat)");
    let participant: Participant | undefined;
    if (options?.participant !== undefined) {
      const parsed = participantMessage.safeParse(options.participant);
      if (!parsed.success || claims.role !== 'player' || claims.bot !== undefined) throw new ServerError(400, 'BAD_PARTICIPANT: a nickname or participant label is plain text of at most 40 (nickname) or 80 (label) characters');
      participant = parsed.data;
    }
    const auth: ArenaAuth = { ...claims, sessionId: generateId(), address: context?.ip ?? 'unknown', ...(participant ? { participant } : {}), ...(events.data ? { events: events.data } : {}) };
    // A room of another process decides there, asked through the server; when nobody can
    // be asked, arrive() decides when the socket comes.
    const refused = arenas.has(claims.session) ? ArenaRoom.admit(auth) : await arenaEnvironment().admitElsewhere?.(auth);
    if (refused) throw joinRefusal(refused);
    return auth;
  }

  /**
   * Decides a join for the arena of this process that runs its session, at its seat
   * reservation: the refusal, or null (granted, and held for the reservation time; also
   * when no arena here runs the session).
   */
  static admit(auth: ArenaAuth): Refused | null {
    const room = arenas.get(auth.session);
    if (!room) return null;
    const granted = room.#seating.admit(room.#joinRequest(auth), auth.sessionId, Date.now());
    if (!granted.ok) return granted;
    const coolDown = auth.role === 'player' ? room.#budgets.coolingDown(auth.seat, Date.now()) : 0;
    if (coolDown > 0) {
      room.#seating.abandon(auth.sessionId);
      return { ok: false, status: 429, code: 'COOLING_DOWN', message: `this seat's connection was closed for flooding; try again in ${Math.ceil(coolDown / 1000)} s` };
    }
    return null;
  }

  #joinRequest(auth: ArenaAuth): JoinRequest {
    return { session: auth.session, role: auth.role, seat: auth.seat, bot: auth.bot !== undefined, address: auth.address };
  }

  override async onCreate(options: ArenaRoomOptions): Promise<void> {
    const env = arenaEnvironment();
    this.session = options.session;
    this.#resolved = resolveSession(options.spec, options.seed, () => null);
    const { mechanism, config, seats } = this.#resolved;
    for (const s of seats) this.#seats.set(s.seat, s);
    const header: MatchHeader = { mechanism: mechanismKey(mechanism), config, seats: seats.map((s) => s.seat as SeatId), seed: this.#resolved.seed };
    // A resumed session folds its record page by page (never whole in memory) and goes on from its last event.
    const rebuilt = options.resume ? this.#rebuild(env.history?.(this.session)) : null;
    const chain = new Chain(this.session, rebuilt?.last);
    this.#journal = new Journal({
      match: () => this.#match,
      chain,
      store: () => arenaEnvironment().ledger,
      published: (event) => arenaEnvironment().publish?.(event),
      failed: (error) => this.#storeFailed(error),
    });
    if (rebuilt) {
      this.#match = new Match(mechanism, rebuilt.match.header, (e) => this.#write(e), { state: rebuilt.match.state, now: rebuilt.match.now });
      this.#clock = new SessionClock(rebuilt.match.now);
    } else {
      this.#match = new Match(mechanism, header, (e) => this.#write(e));
    }
    const communication = (config as { communication?: Communication }).communication ?? { channels: [], maxLength: 280, ratePerMinute: 12, delayMs: 0, monitored: true };
    this.#conversation = new Conversation(communication, [...this.#seats.keys()]);
    this.#seating = new Seating(this.session, seats, { standIn: this.#resolved.spec.standIn, reclaim: this.#resolved.spec.dropout.policy === 'replace' });
    // Seats, spectators and experimenters are counted by role (seating.ts); Colyseus' own
    // limit stays above their sum, so it never refuses (or locks the room) before them.
    const limits = this.#seating.limits;
    this.maxClients = seats.length + limits.spectators + limits.experimenters + 1;
    this.seatReservationTimeout = Math.ceil(limits.joinMs / 1000);
    this.setMetadata({ session: this.session, mechanism: mechanismKey(mechanism), title: this.#title() });

    const s = this.state;
    s.session = this.session;
    s.mechanism = mechanismKey(mechanism);
    s.title = this.#title();
    s.rules = mechanism.rules(config);
    s.communication = JSON.stringify(communication);
    const benchmarks = mechanism.benchmarks(config, seats.length);
    this.#benchmarks = benchmarks;
    s.benchmarks = JSON.stringify(Object.fromEntries(Object.entries(benchmarks).filter(([, b]) => b.audience === 'public')));
    for (const seat of seats) {
      s.seats.set(seat.seat, new SeatInfo({ seat: seat.seat, role: seat.role, holder: seat.kind === 'bot' ? 'bot' : 'open', policy: seat.policy ?? '' }));
    }
    this.#registerMessages();
    this.#sync();
    arenas.set(this.session, this);
    patches.add(this);
    if (this.#resolved.spec.spectatorDelayMs > 0) await this.#openMirror();
    if (rebuilt) this.#record({ kind: 'session_resumed', seat: null, audience: 'experimenter', data: { after: rebuilt.entries, wall: Date.now() } });
    const was = options.resumeStatus;
    if (rebuilt ? was === 'running' || was === 'paused' : this.#resolved.spec.autoStart) this.#start();
    if (rebuilt && was === 'paused' && !this.#refusal('pause')) this.#perform('pause');
  }

  /** The match as its record left it, or null when there is no record yet. */
  #rebuild(history: Iterable<LedgerEvent> | undefined): (ReturnType<typeof replay> & { last: LedgerEvent }) | null {
    if (!history) return null;
    const first = history[Symbol.iterator]().next();
    if (first.done) return null;
    return replay(findMechanism, history);
  }

  /** Delayed sessions: opens the spectators' mirror room (see spectator-room.ts). */
  async #openMirror(): Promise<void> {
    const s = this.state;
    const facts = { session: s.session, mechanism: s.mechanism, title: s.title, rules: s.rules, communication: s.communication, benchmarks: s.benchmarks };
    this.#mirror = await MirrorLink.open(SPECTATOR_ROOM, this.session, facts, this.#resolved.spec.spectatorDelayMs, this.clock);
    this.#seating.spectatorsElsewhere = true;
    this.#mirrorPublicPart();
  }

  /** The room spectators join: the mirror of a delayed session, else this room. */
  get spectatorRoomId(): string {
    return this.#mirror?.roomId ?? this.roomId;
  }

  /** Hands the mirror the public part as it is now, to show after the delay (when it changed). */
  #mirrorPublicPart(): void {
    if (!this.#mirror) return;
    const s = this.state;
    const seats: PublicSnapshot['seats'][number][] = [];
    s.seats.forEach((i) => seats.push({ seat: i.seat, role: i.role, holder: i.holder, policy: i.policy, connected: i.connected, waiting: i.waiting }));
    this.#mirror.show({ status: s.status, alert: s.alert, announcement: s.announcement, stateId: s.stateId, phaseId: s.phaseId, deadline: s.deadline, publicView: this.#views.publicJson, progress: s.progress, seats });
  }

  override onDispose(): void {
    patches.remove(this);
    if (arenas.get(this.session) === this) arenas.delete(this.session);
    this.#mirror?.close();
  }

  #title(): string {
    return this.#resolved.spec.title ?? this.#resolved.mechanism.title;
  }

  /** Running time of the match in ms. */
  now(): number {
    return this.#clock.now();
  }

  get match(): Match {
    return this.#match;
  }

  get resolved(): ResolvedSession {
    return this.#resolved;
  }

  // --- the ledger -----------------------------------------------------------

  /**
   * The match's recorder: every entry goes through the journal. A seat's refusals beyond
   * its recording budget are counted instead of written (budget.ts).
   */
  #write(entry: MatchEntry): void {
    if (entry.kind === 'rejection' && entry.seat !== null && !this.#budgets.recordRefusal(entry.seat, String(entry.data.code), Date.now())) return;
    // `responseMs`: match-clock ms from the seat being shown its current decision (its legal actions changed, or its previous action) to this action.
    const responding = this.#responding;
    if (entry.kind === 'action' && responding && responding.seat === entry.seat && responding.ms !== null) entry = { ...entry, data: { ...entry.data, responseMs: responding.ms } };
    this.#journal.entry(entry);
  }

  /**
   * Appends to the session's record. The record ends with `session_ended`: afterwards the room
   * lingers only to show the final state, and what its clients still do or say (a page hidden,
   * a goodbye, a seat leaving) is not written; only an agent's call still in flight is, since
   * it was made and paid for during the session.
   */
  #record(entry: Omit<MatchEntry, 'at'>): LedgerEvent {
    if (this.state.status === 'ended' && entry.kind !== 'llm_call') throw new RecordClosed();
    return this.#journal.entry({ ...entry, at: this.now() });
  }

  /** Writes the count of a seat's refusals that were not written one by one, when its budget allows. */
  #summariseRefusals(seat: string): void {
    const counts = this.#budgets.takeSuppressed(seat, Date.now());
    if (counts) this.#record({ kind: 'refusals_suppressed', seat: seat as SeatId, audience: 'experimenter', data: { counts } });
  }

  /**
   * The store refused a write: the journal has put the match back as it was; the session
   * pauses, and every client and the experimenter are told why (a coded alert). Only an
   * experimenter's command brings it back, once the store takes writes again.
   */
  #storeFailed(error: StoreFailed): void {
    console.error(`arena ${this.session}: ${error.message}`);
    const s = this.state;
    if (s.status === 'running') {
      this.#clock.pause();
      s.status = 'paused';
      try {
        arenaEnvironment().statusChanged?.(this.session, 'paused');
      } catch {
        // the sessions table may be on the same failing disk; the ledger is what counts
      }
    }
    s.alert = error.code;
    this.broadcast('alert', { code: error.code, message: error.message });
    this.#sync();
  }

  // --- synchronized views ---------------------------------------------------

  /**
   * Brings the synchronized state up to the engine's, as far as the ledger has it.
   * Accepted actions only mark it stale: the room rebuilds the views once per patch,
   * right before it goes out. A reader on the server (the API, tests) calls this before
   * looking at `state`.
   */
  syncViews(): void {
    this.#sync();
  }

  #sync(): void {
    const { mechanism } = this.#resolved;
    const engine: BaseState = this.#journal.committedState;
    const s = this.state;
    if (this.#synced.stateId === engine.stateId && this.#synced.status === s.status && this.#synced.alert === s.alert) return;
    this.#synced = { stateId: engine.stateId, status: s.status, alert: s.alert };
    s.stateId = engine.stateId;
    s.phaseId = engine.phaseId;
    s.deadline = engine.deadline === null || s.status !== 'running' ? 0 : this.#clock.wallOf(engine.deadline);
    s.progress = JSON.stringify(mechanism.progress(engine));
    const pub = this.#views.publishPublic(mechanism.publicView(engine), engine.stateId);
    if (pub) this.broadcast('pub', pub);
    let holders: Map<string, ArenaClient[]> | null = null;
    for (const seat of this.#seats.keys()) {
      const legal = mechanism.legal(engine, seat as SeatId);
      const own = this.#views.publishSeat(seat, mechanism.view(engine, seat as SeatId), legal, engine.stateId);
      if (own?.legal !== undefined) this.#participants.offer(seat, this.now());
      const info = s.seats.get(seat);
      if (info) info.waiting = legal.length === 0;
      if (own) this.#sendOwn(own, (holders ??= this.#holders()));
    }
    if (this.#experimenters.size) this.#syncExperimenterFields();
    if (engine.over && s.status !== 'ended') this.#end();
  }

  /** The engine state and the outcome so far, for experimenters only (a view tag keeps them from everyone else). */
  #syncExperimenterFields(): void {
    const engine = this.#journal.committedState;
    const outcome = this.#resolved.mechanism.outcome(engine);
    this.state.full = JSON.stringify(engine);
    this.state.people = JSON.stringify(this.#participants.summary());
    this.state.measures = JSON.stringify({
      welfare: outcome.welfare,
      maxWelfare: outcome.maxWelfare,
      efficiency: outcome.maxWelfare > 0 ? outcome.welfare / outcome.maxWelfare : null,
      revenue: outcome.revenue,
      measures: outcome.measures,
      benchmarks: this.#benchmarks,
    });
  }

  #setStatus(status: 'running' | 'paused'): void {
    this.state.status = status;
    arenaEnvironment().statusChanged?.(this.session, status);
  }

  /**
   * Ends the session: recorded first (a refused write leaves it unended, and paused), then
   * shown; the room closes ENDED_LINGER_MS later, its record kept in the ledger.
   */
  #end(): boolean {
    try {
      this.#record({ kind: 'session_ended', seat: null, audience: 'public', data: { over: this.#match.over, hash: this.#match.hash(), wall: Date.now() } });
    } catch (error) {
      if (error instanceof StoreFailed) return false;
      throw error;
    }
    this.state.status = 'ended';
    arenaEnvironment().statusChanged?.(this.session, 'ended');
    this.clock.setTimeout(() => void this.disconnect().catch(() => undefined), arenaEnvironment().endedLingerMs ?? ENDED_LINGER_MS);
    return true;
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

  /** Sends each client the queued events addressed to it as one `events` message (rooms/fan-out.ts says who gets which). */
  #flushEvents(): void {
    const events = this.#outbox;
    const audiences = this.#outboxAudiences;
    if (!events.length) return;
    this.#outbox = [];
    this.#outboxAudiences = [];
    if (this.#mirror) {
      const publicOnly = events.filter((_, i) => audiences[i] === 'public');
      if (publicOnly.length) this.#mirror.forward('events', publicOnly);
    }
    const listeners: Listener<ArenaClient>[] = [];
    for (const client of this.clients) {
      const data = client.userData;
      listeners.push({ client, experimenter: data?.role === 'experimenter', seat: data?.seat ?? null, ownOnly: this.#ownEventsOnly.has(client.sessionId) });
    }
    const { broadcast, except, own } = fanOut(events, audiences, listeners);
    if (broadcast) this.broadcast('events', broadcast, except.length ? { except } : undefined);
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

  /** The clients holding each seat now. */
  #holders(): Map<string, ArenaClient[]> {
    const out = new Map<string, ArenaClient[]>();
    for (const client of this.clients) {
      const seat = this.#playerSeat(client);
      if (seat) out.set(seat, [...(out.get(seat) ?? []), client]);
    }
    return out;
  }

  /** A seat's own views go to the clients holding it and to every experimenter, never to anyone else. */
  #sendOwn(message: SeatViewMessage, holders: Map<string, ArenaClient[]>): void {
    for (const client of holders.get(message.seat) ?? []) client.send('own', message);
    for (const client of this.#experimenters) client.send('own', message);
  }

  /** Everything `client` may see of the views now: the public view, and its own seat's (every seat's, for the experimenter). */
  #viewsFor(client: ArenaClient): ViewsSnapshot {
    const role = client.userData?.role;
    const seat = this.#playerSeat(client);
    return this.#views.snapshot(role === 'experimenter' ? this.#seats.keys() : seat ? [seat] : []);
  }

  /** A seat's view and legal actions in the committed state (what its holder is sent), or null for no such seat. */
  seatView(seat: string): { view: unknown; legal: Legal } | null {
    if (!this.#seats.has(seat)) return null;
    const { mechanism } = this.#resolved;
    const engine = this.#journal.committedState;
    return { view: mechanism.view(engine, seat as SeatId), legal: mechanism.legal(engine, seat as SeatId) };
  }

  /** The public view as last sent, as JSON. */
  get publicViewJson(): string {
    return this.#views.publicJson;
  }

  // --- the clock ------------------------------------------------------------

  #start(): void {
    if (this.state.status !== 'lobby') return;
    this.#record({ kind: 'session_started', seat: null, audience: 'experimenter', data: { wall: Date.now() } });
    this.#clock.start();
    this.#setStatus('running');
    this.clock.setInterval(() => this.#tick(), TICK_MS);
    this.#tick();
  }

  #tick(): void {
    for (const seat of this.#budgets.suppressedKeys()) this.#attempt(() => this.#summariseRefusals(seat));
    if (this.state.status !== 'running') return;
    const before = this.#match.state;
    let events: readonly MechEvent[];
    try {
      events = this.#journal.atOnce(() => this.#match.tick(this.now()));
    } catch (error) {
      if (error instanceof StoreFailed) return;
      throw error;
    }
    if (this.#match.state === before && this.#synced.status === this.state.status) return;
    this.#sync();
    this.#deliver(events);
  }

  /** Runs a record that may be refused by a failing store (which pauses the session on its own). */
  #attempt(fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (error) {
      if (error instanceof StoreFailed || error instanceof RecordClosed) return false;
      throw error;
    }
  }

  /** Why `op` cannot be done now, or null when it can. */
  #refusal(op: AdminMessage['op']): Refusal | null {
    const status = this.state.status;
    const notRunning: Refusal = { ok: false, code: 'NOT_RUNNING', message: `the session is ${status}` };
    switch (op) {
      case 'start':
        return status === 'lobby' ? null : notRunning;
      case 'pause':
      case 'advance':
        if (status !== 'running') return notRunning;
        if (op === 'advance' && this.#match.state.deadline === null) return { ok: false, code: 'NO_DEADLINE', message: 'the current phase has no deadline to advance to' };
        return null;
      case 'resume':
        return status === 'paused' ? null : notRunning;
      case 'end':
        return status === 'ended' ? ended : null;
    }
  }

  /** Does `op`, which #refusal allowed; it may end the session (an advance past the last deadline). */
  #perform(op: AdminMessage['op']): Verdict {
    switch (op) {
      case 'start':
        this.#start();
        return { ok: true };
      case 'pause':
        this.#clock.pause();
        this.#setStatus('paused');
        this.#sync();
        return { ok: true };
      case 'resume':
        this.#clock.resume();
        this.#setStatus('running');
        this.#tick();
        return { ok: true };
      case 'advance':
        this.#clock.jumpTo(this.#match.state.deadline as number);
        this.#tick();
        return { ok: true };
      case 'end':
        if (!this.#end()) return storeFailed(this.#journal.down as StoreFailed);
        this.#sync();
        return { ok: true };
    }
  }

  /**
   * Control from the server's experimenter API (same path as the admin message). While the
   * store refuses writes, a command first tries to write that it came (`store_recovered`):
   * it goes ahead only once the store takes that write.
   */
  control(op: AdminMessage['op'], by = 'api'): Verdict {
    if (this.state.status === 'ended') return ended;
    if (this.#journal.down) {
      const probe = this.#journal.probe({ kind: 'store_recovered', at: this.now(), seat: null, audience: 'experimenter', data: { op, by, wall: Date.now() } });
      if (!probe) return storeFailed(this.#journal.down);
      this.state.alert = '';
      this.broadcast('alert', { code: '', message: '' });
    }
    try {
      // `wall` (epoch ms) ties the match clock of the record to the calendar: start, pauses, jumps.
      // The command is written before what it does: an advance or an end may close the record.
      const refused = this.#refusal(op);
      this.#record({ kind: refused ? 'room_rejection' : 'admin', seat: null, audience: 'experimenter', data: { op, by, wall: Date.now(), ...(refused ? { code: refused.code } : {}) } });
      return refused ?? this.#perform(op);
    } catch (error) {
      if (error instanceof StoreFailed) return storeFailed(error);
      throw error;
    }
  }

  /**
   * Posts the experimenter's announcement to every seat and spectator (the state's
   * `announcement`), recorded with public audience; empty text withdraws it.
   */
  announce(text: string, by = 'api'): Verdict {
    if (this.state.status === 'ended') return ended;
    try {
      const event = this.#record({ kind: 'announcement', seat: null, audience: 'public', data: { text, by, wall: Date.now() } });
      this.state.announcement = text ? JSON.stringify({ id: event.seq, text, at: event.at }) : '';
      return { ok: true };
    } catch (error) {
      if (error instanceof StoreFailed) return storeFailed(error);
      throw error;
    }
  }

  /**
   * Ends the hold of whoever holds `seat` (the experimenter hands it to a new device): a
   * connected holder is let go, a dropped one is not waited for any longer, and the
   * release is recorded. The next join with the seat's code takes it.
   */
  release(seat: string, by = 'api'): Verdict {
    const info = this.state.seats.get(seat);
    const assignment = this.#seats.get(seat);
    if (!info || !assignment) return { ok: false, code: 'NO_SUCH_SEAT', message: 'this session has no such seat' };
    if (assignment.kind !== 'human') return { ok: false, code: 'FORBIDDEN', message: 'only a human seat is handed to a new device' };
    try {
      this.#record({ kind: 'seat_released', seat: seat as SeatId, audience: 'experimenter', data: { by, holder: info.holder, connected: info.connected, wall: Date.now() } });
    } catch (error) {
      if (error instanceof StoreFailed) return storeFailed(error);
      throw error;
    }
    const held = this.#seating.release(seat);
    const grace = this.#grace.get(seat);
    if (grace) {
      this.#grace.delete(seat);
      grace.client.userData = undefined;
      grace.reconnection.reject(new Error('the seat was released'));
    }
    const connected = held ? this.clients.find((c) => c.sessionId === held) : undefined;
    if (connected) {
      connected.userData = undefined;
      connected.leave(CloseCode.CONSENTED, 'SEAT_RELEASED: the experimenter handed this seat to another device');
    }
    info.connected = false;
    if (info.holder === 'human') info.holder = 'open';
    return { ok: true };
  }

  /**
   * The class link (server/class-api.ts): the next free human seat (of `role`, when given),
   * kept for the person it goes to for a while, so that two people asking at once get two
   * seats; null when none is free or the session has ended.
   */
  seatFree(role: string | null): string | null {
    if (this.state.status === 'ended') return null;
    return this.#seating.reserveFree(role, Date.now());
  }

  /** The human seats as the class link counts them. */
  classSeats(): ClassSeats {
    return this.#seating.classSeats(Date.now());
  }

  /**
   * Appends a record of an agent the server seated on `seat` (an LLM call), experimenter
   * audience only; refused (false) when it is not a valid, bounded record of a seat here.
   */
  recordAgent(seat: string, record: unknown): boolean {
    const parsed = agentRecord.safeParse(record);
    if (!parsed.success || !this.#seats.has(seat)) return false;
    return this.#attempt(() => void this.#record({ kind: parsed.data.kind, seat: seat as SeatId, audience: 'experimenter', data: parsed.data.data }));
  }

  // --- messages -------------------------------------------------------------

  /**
   * Registers a handler that validates its message itself, so that a malformed message
   * gets a coded rejection (BAD_MESSAGE) instead of closing the connection. A request
   * (`room.request`) gets the verdict as its reply; a plain `send` gets a refusal as a
   * `rejected` message and nothing when all went well. A message beyond the sender's
   * budget (budget.ts) is refused before it is even parsed, and nothing is written.
   */
  #on<S extends z.ZodType>(type: ClientMessageType, schema: S, handle: (client: ArenaClient, msg: z.output<S>) => Verdict | Promise<Verdict>): void {
    this.onMessage(type, (client: ArenaClient, raw: unknown, ctx?: MessageContext) => {
      const asked = ctx?.id !== undefined;
      const verdict = this.#withinBudget(client) ? this.#handle(type, schema, handle, client, raw) : this.#rateLimited();
      if (asked) return verdict;
      if (verdict instanceof Promise) void verdict.then((v) => this.#tell(client, type, v), () => undefined);
      else this.#tell(client, type, verdict);
      return undefined;
    });
  }

  #handle<S extends z.ZodType>(type: ClientMessageType, schema: S, handle: (client: ArenaClient, msg: z.output<S>) => Verdict | Promise<Verdict>, client: ArenaClient, raw: unknown): Verdict | Promise<Verdict> {
    const parsed = schema.safeParse(raw);
    return parsed.success ? handle(client, parsed.data) : badMessage(type, parsed.error);
  }

  /** The budget a client's messages count against: its seat's (across connections), else its connection's. */
  #budgetKey(client: ArenaClient): string {
    return client.userData?.role === 'player' && client.userData.seat ? client.userData.seat : `c:${client.sessionId}`;
  }

  #withinBudget(client: ArenaClient): boolean {
    return this.#budgets.message(this.#budgetKey(client), Date.now());
  }

  #rateLimited(): Verdict {
    return { ok: false, code: 'RATE_LIMITED', message: 'too many messages from this seat: slow down' };
  }

  #tell(client: ArenaClient, type: ClientMessageType | 'unknown', verdict: Verdict): void {
    if (!verdict.ok) client.send('rejected', { for: type, code: verdict.code, message: verdict.message });
  }

  #registerMessages(): void {
    this.#on('act', actMessage, (client, msg) => {
      const seat = this.#playerSeat(client);
      if (!seat) return { ok: false, code: 'FORBIDDEN', message: 'only a seated player acts' };
      if (this.#journal.down) return storeFailed(this.#journal.down);
      if (this.state.status !== 'running') {
        const code = 'NOT_RUNNING';
        if (this.#budgets.recordRefusal(seat, code, Date.now())) {
          this.#attempt(() => void this.#record({ kind: 'room_rejection', seat, audience: [seat], data: { code, stateId: msg.stateId, type: msg.action.type } }));
        }
        return { ok: false, code, message: `the session is ${this.state.status}` };
      }
      return this.#act(seat, msg);
    });

    this.#on('chat', chatMessage, (client, msg) => {
      const from = this.#speaker(client);
      if (!from) return { ok: false, code: 'FORBIDDEN', message: 'spectators do not chat' };
      if (this.state.status === 'ended') return ended;
      if (this.#journal.down) return storeFailed(this.#journal.down);
      const delivery = this.#conversation.chat(from, msg, Date.now());
      if (!delivery.ok) return delivery;
      const round = this.#resolved.mechanism.progress(this.#journal.committedState).round;
      let event: LedgerEvent;
      try {
        event = this.#record({ kind: 'chat', seat: client.userData?.seat ?? null, audience: delivery.audience === 'public' ? 'public' : (delivery.audience as SeatId[]), data: { ...delivery.data, round } });
      } catch (error) {
        if (error instanceof StoreFailed) return storeFailed(error);
        throw error;
      }
      const message: ServerMessages['chat'] = { id: ++this.#chatSeq, ...delivery.data, channel: msg.channel, at: event.at, round: event.data.round };
      const send = () => (delivery.audience === 'public' ? this.broadcast('chat', message) : this.#sendTo(delivery.audience as string[], 'chat', message));
      const delay = this.#conversation.policy.delayMs;
      if (delay > 0) this.clock.setTimeout(send, delay);
      else send();
      if (delivery.audience === 'public') this.#mirror?.forward('chat', message, delay);
      return { ok: true };
    });

    this.#on('coalition', coalitionMessage, (client, msg) => {
      const seat = this.#playerSeat(client);
      if (!seat) return { ok: false, code: 'FORBIDDEN', message: 'only a seated player joins coalitions' };
      if (this.state.status === 'ended') return ended;
      if (this.#journal.down) return storeFailed(this.#journal.down);
      const delivery = this.#conversation.coalition(seat, msg, Date.now());
      if (!delivery.ok) return delivery;
      let event: LedgerEvent;
      try {
        event = this.#record({ kind: 'coalition', seat, audience: delivery.audience as SeatId[], data: delivery.data });
      } catch (error) {
        if (error instanceof StoreFailed) return storeFailed(error);
        throw error;
      }
      this.#sendTo(delivery.audience as string[], 'coalition', { ...delivery.data, at: event.at });
      return { ok: true };
    });

    // The seat page's own observations (integrity signals): counted always, recorded within the seat's bounds, never refused for what they say.
    this.#on('integrity', integrityMessage, (client, msg) => {
      const seat = this.#playerSeat(client);
      if (!seat) return { ok: false, code: 'FORBIDDEN', message: 'only a seated player reports on its page' };
      if (this.#participants.signal(seat, msg, Date.now())) {
        this.#attempt(() => void this.#record({ kind: 'integrity', seat, audience: 'experimenter', data: { ...msg, wall: Date.now() } }));
      }
      if (this.#experimenters.size) this.state.people = JSON.stringify(this.#participants.summary());
      return { ok: true };
    });

    // The whole of what the client may see, for it to follow the deltas from (rooms/views.ts).
    this.#on('views', viewsRequest, (client) => ({ ok: true, views: this.#viewsFor(client) }));

    this.#on('admin', adminMessage, (client, msg) => {
      if (client.userData?.role !== 'experimenter') return { ok: false, code: 'FORBIDDEN', message: 'experimenter only' };
      return this.control(msg.op, 'experimenter');
    });

    this.#on('announce', announceMessage, (client, msg) => {
      if (client.userData?.role !== 'experimenter') return { ok: false, code: 'FORBIDDEN', message: 'experimenter only' };
      return this.announce(msg.text, 'experimenter');
    });

    // A plain send of any other type is refused with a code and the connection stays (floods
    // still close it). A request of an unknown type gets Colyseus' own `no_handler` error
    // reply; one of type '*' reaches this handler as a request (its third argument is the
    // request context, whose functions no decoded message can carry) and gets the verdict.
    this.onMessage('*', (client: ArenaClient, _type: unknown, context: unknown) => {
      const verdict: Verdict = this.#withinBudget(client) ? { ok: false, code: 'BAD_MESSAGE', message: 'unknown message type' } : this.#rateLimited();
      if (typeof (context as MessageContext | undefined)?.reject === 'function') return verdict;
      this.#tell(client, 'unknown', verdict);
      return undefined;
    });
  }

  /** An action through the engine; the verdict goes out once the ledger has it. */
  async #act(seat: SeatId, msg: ActMessage): Promise<Verdict> {
    let result;
    try {
      result = await this.#journal.input(() => {
        this.#responding = { seat, ms: this.#participants.responseMs(seat, this.now()) };
        try {
          return this.#match.submit(seat, msg.stateId, msg.action, this.now());
        } finally {
          this.#responding = null;
        }
      });
    } catch (error) {
      if (error instanceof StoreFailed) return storeFailed(error);
      throw error;
    }
    if (!result.ok) {
      this.#attempt(() => this.#summariseRefusals(seat));
      return { ok: false, code: result.code, message: result.message };
    }
    this.#participants.acted(seat, this.now());
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

  override onJoin(client: ArenaClient, options: { agent?: unknown } | undefined, auth: ArenaAuth): void {
    // What the client says it is goes into the record as its own words; whether it is a
    // bot comes only from its token (the server signs bot tokens for the bots it seats).
    const said = typeof options?.agent === 'string' ? options.agent.replace(/[^\w:./-]/g, '').slice(0, 64) : null;
    const arrived = this.#seating.arrive(this.#joinRequest(auth), client.sessionId, Date.now());
    if (!arrived.ok) throw joinRefusal(arrived);
    try {
      this.#seat(client, auth, arrived.claim, arrived.replaces, said);
    } catch (error) {
      this.#seating.left(client.sessionId);
      if (error instanceof StoreFailed) throw new ServerError(503, `STORE_FAILED: ${error.message}`);
      throw error;
    }
  }

  #seat(client: ArenaClient, auth: ArenaAuth, claim: boolean, replaces: string | null, said: string | null): void {
    client.view = new StateView();
    if (auth.events === 'own' && auth.role !== 'experimenter') this.#ownEventsOnly.add(client.sessionId);
    if (auth.role === 'player') {
      const info = this.state.seats.get(auth.seat);
      if (!info || !this.#seats.has(auth.seat)) throw new ServerError(403, 'NO_SUCH_SEAT: this session has no such seat');
      const bot = auth.bot !== undefined;
      if (claim) this.#record({ kind: 'seat_claimed', seat: auth.seat as SeatId, audience: 'experimenter', data: { from: 'bot', policy: info.policy, to: 'human', client: said } });
      this.#record({ kind: 'seat_joined', seat: auth.seat as SeatId, audience: 'experimenter', data: { holder: claim ? 'human' : info.holder === 'open' ? (bot ? 'bot' : 'human') : info.holder, ...(bot ? { policy: auth.bot } : {}), client: said } });
      if (!bot) this.#identify(auth.seat, auth.participant ?? null);
      if (claim && replaces) this.#letGo(auth.seat, replaces);
      if (claim) {
        info.holder = 'human';
        info.policy = '';
      } else if (info.holder === 'open') {
        info.holder = bot ? 'bot' : 'human';
        if (auth.bot) info.policy = auth.bot;
      }
      info.connected = true;
      client.userData = { seat: auth.seat as SeatId, role: 'player' };
      return;
    }
    if (auth.role === 'experimenter') {
      client.view.add(this.state, TAG_EXPERIMENTER);
      this.#experimenters.add(client);
      this.#syncExperimenterFields();
    }
    client.userData = { seat: null, role: auth.role };
  }

  /**
   * Records who took a human seat, as they said it (`participant`, experimenter only), and
   * shows the nickname to everyone only when the session's spec says so.
   */
  #identify(seat: string, person: Participant | null): void {
    if (person) this.#record({ kind: 'participant', seat: seat as SeatId, audience: 'experimenter', data: { nickname: person.nickname, label: person.label, fields: person.fields } });
    this.#participants.identify(seat, person);
    const info = this.state.seats.get(seat);
    if (info) info.name = this.#resolved.spec.showNicknames ? this.#participants.nickname(seat) : '';
    if (this.#experimenters.size) this.state.people = JSON.stringify(this.#participants.summary());
  }

  /** Lets go of the client that held `seat` before a claim: connected, or dropped and waited for. */
  #letGo(seat: string, sessionId: string): void {
    const grace = this.#grace.get(seat);
    if (grace?.client.sessionId === sessionId) {
      this.#grace.delete(seat);
      grace.client.userData = undefined;
      grace.reconnection.reject(new Error('the seat was taken over'));
      return;
    }
    const held = this.clients.find((c) => c.sessionId === sessionId);
    if (held) {
      held.userData = undefined;
      held.leave(CloseCode.CONSENTED);
    }
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

  /**
   * A seat whose connection was closed for abuse cools down before it may reconnect
   * (budget.ts): the flood limit holds across reconnections.
   */
  override checkReconnectionToken(reconnectionToken: string): string {
    for (const [seat, grace] of this.#grace) {
      if (grace.client.reconnectionToken !== reconnectionToken) continue;
      const wait = this.#budgets.coolingDown(seat, Date.now());
      if (wait > 0) throw new ServerError(429, `COOLING_DOWN: this seat's connection was closed for flooding; try again in ${Math.ceil(wait / 1000)} s`);
    }
    return super.checkReconnectionToken(reconnectionToken);
  }

  override onDrop(client: ArenaClient, code?: number): void {
    if (!client.userData || this.#shuttingDown || code === CloseCode.SERVER_SHUTDOWN) return;
    const seat = this.#playerSeat(client);
    const graceSeconds = this.#resolved.spec.dropout.graceSeconds;
    if (seat) {
      const info = this.state.seats.get(seat);
      if (info) info.connected = false;
      // Cooling down ends well within the grace period, so the seat is never lost to it.
      const coolDownMs = code !== undefined && ABUSIVE_CLOSES.includes(code) ? Math.min(this.#budgets.abused(seat, Date.now()), (graceSeconds * 1000) / 2) : 0;
      this.#attempt(() => void this.#record({ kind: 'seat_dropped', seat, audience: 'experimenter', data: { code: code ?? null, ...(coolDownMs ? { coolDownMs } : {}) } }));
      this.#seating.dropped(client.sessionId, Date.now() + graceSeconds * 1000);
    }
    const reconnection = this.allowReconnection(client, graceSeconds);
    // allowReconnection answers a plain rejected promise when the room cannot wait (disposing).
    if (seat && typeof (reconnection as { reject?: unknown }).reject === 'function') this.#grace.set(seat, { client, reconnection });
    reconnection.catch(() => undefined).finally(() => {
      if (seat && this.#grace.get(seat)?.client === client) this.#grace.delete(seat);
    });
  }

  override onReconnect(client: ArenaClient): void {
    const seat = this.#playerSeat(client);
    if (!seat) return;
    this.#seating.reconnected(client.sessionId);
    const info = this.state.seats.get(seat);
    if (info) info.connected = true;
    this.#attempt(() => void this.#record({ kind: 'seat_reconnected', seat, audience: 'experimenter', data: {} }));
  }

  override onLeave(client: ArenaClient, code?: number): void {
    this.#experimenters.delete(client);
    this.#ownEventsOnly.delete(client.sessionId);
    client.view?.dispose();
    this.#budgets.forget(`c:${client.sessionId}`);
    const held = this.#seating.left(client.sessionId);
    const seat = this.#playerSeat(client);
    // A seat taken over or released was handed on already (userData cleared); one whose
    // holder came back on a new connection is held by that connection now.
    if (!seat || !held || this.#shuttingDown || code === CloseCode.SERVER_SHUTDOWN) return;
    const info = this.state.seats.get(seat);
    if (!info) return;
    info.connected = false;
    if (!this.#attempt(() => void this.#record({ kind: 'seat_left', seat, audience: 'experimenter', data: { holder: info.holder } }))) return;
    const { dropout } = this.#resolved.spec;
    if (info.holder === 'human' && dropout.policy === 'replace' && this.state.status !== 'ended') {
      if (!this.#attempt(() => void this.#record({ kind: 'seat_replaced', seat, audience: 'experimenter', data: { from: 'human', to: dropout.bot, params: dropout.botParams } }))) return;
      info.holder = 'bot';
      info.policy = dropout.bot;
      this.#participants.identify(seat, null);
      info.name = '';
      arenaEnvironment().seatBot?.(this.session, seat, dropout.bot, dropout.botParams);
    }
  }
}
