/**
 * The socket.io observatory: a read-only live feed. The public namespace carries the
 * arena directory and, per watched session, its public events as a spectator gets them:
 * kind, data and match time, never the seat that caused an event nor its ledger position
 * (a mechanism's information policy decides what an event's data names; the seq would
 * count private events). For a session whose spectators are delayed (`spectatorDelayMs`),
 * its public events, and its status in the directory, reach the public namespace that
 * much later, public chat also after the chat's own delivery delay, as in the spectators'
 * mirror room. The `/experimenter` namespace (token in the handshake) carries every event,
 * live. Any socket.io client (Python, R, JavaScript) can subscribe.
 */
import type { Server as SocketIOServer, Socket } from 'socket.io';
import { z } from 'zod';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import type { Communication } from '../mechanisms/core/policy.ts';
import { resolveSession } from '../rooms/session.ts';
import type { SessionRow, Sessions } from './storage/sessions.ts';
import { isExperimenter } from './api.ts';
import { listedPublicly } from './directory.ts';

export interface Observatory {
  publish(event: LedgerEvent): void;
  directoryChanged(): void;
}

/** A public event as the public namespace emits it. */
export interface PublicEvent {
  readonly match: string;
  readonly at: number;
  readonly kind: string;
  readonly data: Record<string, unknown>;
}

const watchMessage = z.object({ session: z.string().regex(/^s[a-z0-9]{4,40}$/) }).strict();

/** How late the public sees a session: its spectators' delay, and public chat's delivery delay. */
interface Delays {
  readonly spectators: number;
  readonly chat: number;
}

function delaysOf(row: SessionRow): Delays {
  try {
    const resolved = resolveSession(JSON.parse(row.spec), row.seed, () => null);
    return { spectators: resolved.spec.spectatorDelayMs, chat: (resolved.config as { communication?: Communication }).communication?.delayMs ?? 0 };
  } catch {
    // A spec this server cannot read any more (an older version's): it runs no room here either.
    return { spectators: 0, chat: 0 };
  }
}

const LISTED = 100;

/**
 * `everywhere`: watchers may be connected to other processes of the server (the socket.io
 * Redis adapter carries what is emitted to them), so an event is emitted whether or not a
 * watcher is connected here.
 */
export function mountObservatory(io: SocketIOServer, deps: { sessions: Sessions; adminToken: string; everywhere?: boolean }): Observatory {
  const delays = new Map<string, Delays>();
  const delayOf = (session: string): Delays => {
    let known = delays.get(session);
    if (!known) {
      const row = deps.sessions.get(session);
      if (!row) return { spectators: 0, chat: 0 };
      known = delaysOf(row);
      delays.set(session, known);
    }
    return known;
  };
  /** Delayed sessions: the status the public is shown, and the live status last seen. */
  const shownStatus = new Map<string, string>();
  const liveStatus = new Map<string, string>();

  const later = (ms: number, fn: () => void) => {
    if (ms <= 0) fn();
    else setTimeout(fn, ms).unref();
  };

  const rows = () => deps.sessions.list(LISTED).filter((r) => r.status !== 'interrupted');
  const entryOf = (r: SessionRow) => ({ session: r.id, title: r.title, mechanism: r.mechanism, status: r.status, demo: r.demo });
  const listed = () => rows().map(entryOf);
  // The public sees only the sessions marked public (and demo arenas).
  const publicDirectory = () =>
    rows()
      .filter(listedPublicly)
      .map(entryOf)
      .map((entry) => (delayOf(entry.session).spectators > 0 ? { ...entry, status: shownStatus.get(entry.session) ?? 'lobby' } : entry));

  const watchable = (socket: Socket, nsp: string) => {
    socket.on('watch', (msg: unknown, ack?: unknown) => {
      const parsed = watchMessage.safeParse(msg);
      const reply = typeof ack === 'function' ? (ack as (x: unknown) => void) : () => undefined;
      if (!parsed.success || !deps.sessions.get(parsed.data.session)) return reply({ ok: false, error: 'no such session' });
      void socket.join(`${nsp}:${parsed.data.session}`);
      reply({ ok: true });
    });
    socket.on('unwatch', (msg: unknown) => {
      const parsed = watchMessage.safeParse(msg);
      if (parsed.success) void socket.leave(`${nsp}:${parsed.data.session}`);
    });
  };

  const publicNsp = io.of('/');
  publicNsp.on('connection', (socket) => {
    socket.emit('arenas', publicDirectory());
    watchable(socket, 'public');
  });

  const experimenter = io.of('/experimenter');
  experimenter.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token === 'string' && isExperimenter(token, deps.adminToken)) next();
    else next(new Error('experimenter token required'));
  });
  experimenter.on('connection', (socket) => {
    socket.emit('arenas', listed());
    watchable(socket, 'all');
    socket.on('watch-all', () => void socket.join('all:*'));
  });

  return {
    publish(event) {
      // Encode only for someone watching.
      const rooms = experimenter.adapter.rooms;
      if (deps.everywhere || rooms.has(`all:${event.match}`) || rooms.has('all:*')) experimenter.to(`all:${event.match}`).to('all:*').emit('event', event);
      if (event.audience !== 'public') return;
      const room = `public:${event.match}`;
      const shown: PublicEvent = { match: event.match, at: event.at, kind: event.kind, data: event.data };
      const delay = delayOf(event.match);
      later(delay.spectators + (event.kind === 'chat' ? delay.chat : 0), () => {
        if (deps.everywhere || publicNsp.adapter.rooms.has(room)) publicNsp.to(room).emit('event', shown);
      });
    },
    directoryChanged() {
      const live = listed();
      experimenter.emit('arenas', live);
      const current = new Set(live.map((e) => e.session));
      for (const map of [shownStatus, liveStatus, delays]) for (const session of map.keys()) if (!current.has(session)) map.delete(session);
      for (const { session, status } of live) {
        const delay = delayOf(session).spectators;
        if (delay <= 0 || liveStatus.get(session) === status) continue;
        // Every session starts in the lobby; the public learns of each later status one delay late.
        liveStatus.set(session, status);
        if (!shownStatus.has(session)) shownStatus.set(session, 'lobby');
        later(delay, () => {
          if (!liveStatus.has(session)) return;
          shownStatus.set(session, status);
          publicNsp.emit('arenas', publicDirectory());
        });
      }
      publicNsp.emit('arenas', publicDirectory());
    },
  };
}
