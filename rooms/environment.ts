/**
 * What the server hands the arena rooms: the token signer, the write-ahead ledger,
 * the observatory feed and bot seating. Rooms depend on this interface, never on server/.
 */
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import type { TokenSigner } from './tokens.ts';

export interface ArenaEnvironment {
  readonly tokens: TokenSigner;
  /**
   * The write-ahead ledger. `append` is durable when it returns; `appendSoon` (group
   * commit) is durable when its promise resolves; `transaction` writes what `fn`
   * appends at once (and nothing when it appends nothing).
   */
  readonly ledger: { append(event: LedgerEvent): void; appendSoon?(events: readonly LedgerEvent[]): Promise<void>; transaction?<T>(fn: () => T): T };
  /** Every ledger event, for the observatory (which filters by audience). */
  publish?(event: LedgerEvent): void;
  /** Seats a scripted bot on a seat of a running session, as an ordinary client. */
  seatBot?(session: string, seat: string, policy: string, params: Record<string, unknown>): void;
  /** A session changed status (lobby, running, paused, ended). */
  statusChanged?(session: string, status: string): void;
  /** The events recorded so far for a session, to resume it after a restart. */
  history?(session: string): LedgerEvent[];
}

let current: ArenaEnvironment | null = null;

export function setArenaEnvironment(env: ArenaEnvironment | null): void {
  current = env;
}

export function arenaEnvironment(): ArenaEnvironment {
  if (!current) throw new Error('the arena environment is not set (the server sets it at boot)');
  return current;
}
