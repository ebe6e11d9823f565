/**
 * The socket.io observatory: a read-only live feed. The public namespace carries the
 * arena directory and, per watched session, its public events; the `/experimenter`
 * namespace (token in the handshake) carries every event. Any socket.io client
 * (Python, R, JavaScript) can subscribe.
 */
import type { Server as SocketIOServer, Socket } from 'socket.io';
import { z } from 'zod';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import type { SessionStore } from './storage/sessions.ts';
import { isExperimenter } from './api.ts';

export interface Observatory {
  publish(event: LedgerEvent): void;
  directoryChanged(): void;
}

const watchMessage = z.object({ session: z.string().regex(/^s[a-z0-9]{4,40}$/) }).strict();

export function mountObservatory(io: SocketIOServer, deps: { sessions: SessionStore; adminToken: string }): Observatory {
  const directory = () =>
    deps.sessions
      .list(100)
      .filter((r) => r.status !== 'interrupted')
      .map((r) => ({ session: r.id, title: r.title, mechanism: r.mechanism, status: r.status, demo: r.demo }));

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

  io.of('/').on('connection', (socket) => {
    socket.emit('arenas', directory());
    watchable(socket, 'public');
  });

  const experimenter = io.of('/experimenter');
  experimenter.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token === 'string' && isExperimenter(token, deps.adminToken)) next();
    else next(new Error('experimenter token required'));
  });
  experimenter.on('connection', (socket) => {
    socket.emit('arenas', directory());
    watchable(socket, 'all');
    socket.on('watch-all', () => void socket.join('all:*'));
  });

  return {
    publish(event) {
      // Encode only for someone watching.
      const rooms = experimenter.adapter.rooms;
      if (rooms.has(`all:${event.match}`) || rooms.has('all:*')) experimenter.to(`all:${event.match}`).to('all:*').emit('event', event);
      if (event.audience === 'public' && io.of('/').adapter.rooms.has(`public:${event.match}`)) {
        io.of('/').to(`public:${event.match}`).emit('event', { match: event.match, seq: event.seq, at: event.at, kind: event.kind, seat: event.seat, data: event.data });
      }
    },
    directoryChanged() {
      const list = directory();
      io.of('/').emit('arenas', list);
      experimenter.emit('arenas', list);
    },
  };
}
