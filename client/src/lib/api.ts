/** The server's JSON API as the browser calls it: same origin, errors as thrown ApiErrors with the server's words. */

export class ApiError extends Error {
  readonly status: number;
  readonly issues: unknown;
  constructor(status: number, message: string, issues?: unknown) {
    super(message);
    this.status = status;
    this.issues = issues;
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; token?: string | null } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let response: Response;
  try {
    response = await fetch(path, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  } catch {
    throw new ApiError(0, 'the server cannot be reached; check your connection and try again');
  }
  const text = await response.text();
  let payload: unknown;
  try {
    payload = text ? JSON.parse(text) : null;
  } catch {
    payload = { error: text };
  }
  if (!response.ok) {
    const body = (payload ?? {}) as { error?: string; issues?: unknown };
    throw new ApiError(response.status, body.error ?? `the server answered ${response.status}`, body.issues);
  }
  return payload as T;
}

/** What POST /api/join answers. */
export interface SeatTicket {
  readonly session: string;
  readonly roomId: string;
  readonly seat: string;
  readonly token: string;
  /**
   * The connection's reconnection token, kept by this device: a reloaded page takes its seat
   * back with it while the seat is held for the connection it lost (the seat's grace period).
   */
  readonly reconnection?: string;
}

/** What GET /api/sessions/:id/spectate answers. */
export interface WatchTicket {
  readonly session: string;
  readonly roomId: string;
  readonly token: string;
}

/** What the experimenter API answers for a session. */
export interface SessionInfo {
  readonly session: string;
  readonly roomId: string;
  readonly title: string;
  readonly mechanism: string;
  readonly status: string;
  readonly seats: readonly { seat: string; code: string; link: string }[];
  readonly spectate: string;
  readonly experimenterToken: string;
}

/** One arena of the public directory. */
export interface ArenaEntry {
  readonly session: string;
  readonly title: string;
  readonly mechanism: string;
  readonly status: string;
  readonly demo: boolean;
  readonly seats: { total: number; humans: number; bots: number; open: number };
  /** Codes of free seats, for demo arenas only. */
  readonly join: readonly { seat: string; code: string }[];
  readonly public: unknown;
  readonly createdAt: number;
}

export interface MechanismEntry {
  readonly id: string;
  readonly title: string;
  readonly rules: string;
}

export interface PolicyEntry {
  readonly name: string;
  readonly description: string;
  readonly mechanisms: readonly string[] | '*';
}
