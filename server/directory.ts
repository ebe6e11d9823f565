/**
 * The public arena directory (GET /api/arenas): public facts about the latest sessions
 * marked public (`public: true` in their spec; demo arenas), never values, costs or any
 * seat's private view. A build reads every live room, so it is
 * cached: built at most once per `maxAgeMs` however many ask, and requests that arrive
 * while it builds share that build. A session whose spectators are delayed is listed as
 * its spectators see it (its mirror room, rooms/spectator-room.ts): status, seats and
 * public view as they were `spectatorDelayMs` ago.
 */
import type { ArenaRoom } from '../rooms/arena-room.ts';
import { findMechanism } from '../mechanisms/registry.ts';
import { mirrorOf } from '../rooms/spectator-room.ts';
import type { ArenaStateT } from '../rooms/schema.ts';
import type { SessionRow, Sessions } from './storage/sessions.ts';

export interface DirectoryDeps {
  readonly sessions: Sessions;
  /** A session's entry, from its live room wherever it runs (`directoryEntry` in the process that runs it). */
  entry(row: SessionRow): Promise<DirectoryEntry>;
  /** How old a served directory may be (default 1000 ms). */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

const LISTED = 100;

/** What the public may see of a room: the mirror's state for a delayed session, else the live one. */
function publicState(room: ArenaRoom): { state: ArenaStateT; publicViewJson: string } {
  const mirror = room.spectatorRoomId === room.roomId ? undefined : mirrorOf(room.session);
  return mirror ? { state: mirror.state, publicViewJson: mirror.publicViewJson } : { state: room.state, publicViewJson: room.publicViewJson };
}

/** Sessions are private unless their spec marks them public; demo arenas are public. */
export function listedPublicly(row: SessionRow): boolean {
  if (row.demo) return true;
  try {
    return (JSON.parse(row.spec) as { public?: unknown }).public === true;
  } catch {
    return false;
  }
}

export type DirectoryEntry = ReturnType<typeof directoryEntry>;

/** A session's entry in the directory, from its room when it is live in this process (else from its row alone). */
export function directoryEntry(row: SessionRow, room: ArenaRoom | null) {
  const seen = room ? publicState(room) : null;
  const shown = seen?.state ?? null;
  const seats = shown ? [...shown.seats.values()] : [];
  const count = (holder: string) => seats.filter((s) => s.holder === holder).length;
  // Open: human seats no person holds (empty, or played by a bot standing in).
  const open = room ? Object.entries(row.codes).filter(([seat]) => room.state.seats.get(seat)?.holder !== 'human') : [];
  return {
    session: row.id,
    title: row.title,
    mechanism: row.mechanism,
    /** The mechanism in words, for the page ("Continuous double auction"); `mechanism` is its id. */
    mechanismTitle: findMechanism(row.mechanism)?.title ?? 'A market game',
    status: shown?.status ?? row.status,
    demo: row.demo,
    seats: { total: seats.length, humans: count('human'), bots: count('bot'), open: open.length },
    // Demo arenas are open to anyone: the codes of their free seats are public, and current (a code is an offer, not a view).
    // Other sessions' codes go only to the experimenter.
    join: row.demo && room && room.state.status !== 'ended' ? open.map(([seat, code]) => ({ seat, code })) : [],
    public: seen ? (JSON.parse(seen.publicViewJson) as unknown) : null,
    createdAt: row.createdAt,
  };
}

export class ArenaDirectory {
  readonly #deps: DirectoryDeps;
  #built: { at: number; json: Promise<string> } | null = null;

  constructor(deps: DirectoryDeps) {
    this.#deps = deps;
  }

  /** The directory as JSON text, at most `maxAgeMs` old. */
  json(): Promise<string> {
    const now = (this.#deps.now ?? Date.now)();
    if (this.#built && now - this.#built.at < (this.#deps.maxAgeMs ?? 1000)) return this.#built.json;
    const json = this.#build();
    const built = { at: now, json };
    this.#built = built;
    // A failed build is not kept: the next request tries again.
    json.catch(() => {
      if (this.#built === built) this.#built = null;
    });
    return json;
  }

  async #build(): Promise<string> {
    const rows = this.#deps.sessions.list(LISTED * 5).filter((r) => r.status !== 'interrupted' && listedPublicly(r)).slice(0, LISTED);
    return JSON.stringify(await Promise.all(rows.map((row) => this.#deps.entry(row))));
  }
}
