/**
 * The synchronized state of an arena (Colyseus schema, no decorators): the small, slow
 * facts (status, stateId, deadline, progress, seats) for everyone, the full engine state
 * and the measures only to the experimenter (a view tag). The views themselves
 * (mechanism.publicView and each seat's view and legal actions) travel beside it as
 * versioned deltas (rooms/views.ts). The spectators of a session with spectatorDelayMs
 * get the same ArenaState from the session's mirror room (rooms/spectator-room.ts): the
 * public part only, as it was that many ms earlier, with no full state.
 */
import { schema, t } from '@colyseus/schema';

/** View tag of experimenter-only fields (custom tags are powers of two). */
export const TAG_EXPERIMENTER = 2;

export const SeatInfo = schema(
  {
    seat: t.string(),
    role: t.string(),
    /** 'open' (waiting for a human), 'human' or 'bot'. */
    holder: t.string().default('open'),
    /** Bot policy name, or '' for humans. */
    policy: t.string().default(''),
    connected: t.boolean().default(false),
    /** The seat has nothing legal to do now (acted, or waiting for others). */
    waiting: t.boolean().default(true),
    /** The holder's nickname, only when the session shows nicknames (spec `showNicknames`); '' otherwise. */
    name: t.string().default(''),
  },
  'SeatInfo',
);

export const ArenaState = schema(
  {
    session: t.string(),
    mechanism: t.string(),
    title: t.string(),
    rules: t.string(),
    /** lobby | running | paused | ended */
    status: t.string().default('lobby'),
    /** A code while something stops the session that only the experimenter can clear ('STORE_FAILED': the record cannot be written); '' otherwise. */
    alert: t.string().default(''),
    /** JSON of the experimenter's announcement to everyone ({ id, text, at }), '' when there is none. */
    announcement: t.string().default(''),
    stateId: t.number().default(0),
    phaseId: t.number().default(0),
    /** Wall-clock time (epoch ms) of the next deadline, 0 when none. */
    deadline: t.number().default(0),
    /** JSON of mechanism.progress(state): round (or period), of how many, what it is called, the phase. */
    progress: t.string().default('null'),
    /** JSON of the benchmarks of the session's config that everyone may see (equilibrium prices and the like). */
    benchmarks: t.string().default('{}'),
    /** JSON of the communication policy (which chat channels exist). */
    communication: t.string().default('{}'),
    seats: t.map(SeatInfo),
    /** JSON of the whole engine state. */
    full: t.string().view(TAG_EXPERIMENTER).default('null'),
    /** JSON of the match's outcome so far: welfare, maxWelfare, efficiency, revenue, measures; and every benchmark. */
    measures: t.string().view(TAG_EXPERIMENTER).default('null'),
    /** JSON, per seat, of who holds it (nickname, label) and its integrity counts and time on task (rooms/participants.ts). */
    people: t.string().view(TAG_EXPERIMENTER).default('{}'),
  },
  'ArenaState',
);

export type ArenaStateT = InstanceType<typeof ArenaState>;
export type SeatInfoT = InstanceType<typeof SeatInfo>;
