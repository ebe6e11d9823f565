/**
 * What the server hands the arena rooms: the token signer, the write-ahead ledger,
 * the observatory feed and bot seating. Rooms depend on this interface, never on server/.
 */
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import type { TokenSigner } from './tokens.ts';
import type { LedgerStore } from './write-ahead.ts';
import type { BudgetLimits } from './budget.ts';
import type { SeatClaims } from './tokens.ts';
import type { Refused } from './seating.ts';

export interface ArenaEnvironment {
  readonly tokens: TokenSigner;
  /** The write-ahead ledger (rooms/write-ahead.ts says what each call promises). */
  readonly ledger: LedgerStore;
  /** Every ledger event, for the observatory (which filters by audience). */
  publish?(event: LedgerEvent): void;
  /** Seats a scripted bot on a seat of a running session, as an ordinary client. */
  seatBot?(session: string, seat: string, policy: string, params: Record<string, unknown>): void;
  /** A session changed status (lobby, running, paused, ended). */
  statusChanged?(session: string, status: string): void;
  /** What one seat may cost (budget.ts); BUDGET_LIMITS unless the server says otherwise. */
  readonly seatBudget?: BudgetLimits;
  /** How long an ended session's room stays open before it is disposed (default ENDED_LINGER_MS in arena-room.ts). */
  readonly endedLingerMs?: number;
  /**
   * Decides a join whose session runs in another process of the server, at the seat
   * reservation made through this one: the refusal that process's arena gives, or null
   * (granted there). Unset, or when that process cannot be asked, the arena decides when
   * the socket arrives.
   */
  admitElsewhere?(auth: SeatClaims & { readonly sessionId: string; readonly address: string }): Promise<Refused | null>;
  /** The events recorded so far for a session, to resume it after a restart (each iteration reads them afresh). */
  history?(session: string): Iterable<LedgerEvent>;
}

let current: ArenaEnvironment | null = null;

export function setArenaEnvironment(env: ArenaEnvironment | null): void {
  current = env;
}

export function arenaEnvironment(): ArenaEnvironment {
  if (!current) throw new Error('the arena environment is not set (the server sets it at boot)');
  return current;
}
