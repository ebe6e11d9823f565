/**
 * What this device remembers: the seat tickets it was given (so a reload or a rejoin by
 * the same link reclaims the same seat) and the experimenter token once typed in.
 * Nothing here is secret from the person holding the device.
 */
import type { SeatTicket } from './api.ts';

const SEAT_PREFIX = 'arena.seat.';
const ADMIN_KEY = 'arena.experimenter';

/** A value this device keeps under `key`, or null (none, or no storage). */
export function read<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

/** Keeps `value` under `key` on this device; null forgets it. */
export function write(key: string, value: unknown): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Private browsing without storage: the seat still works until the page is closed.
  }
}

export const normalizeCode = (code: string): string => code.trim().toUpperCase().replace(/[^A-Z0-9]/g, '');

export const seatTicket = (code: string): SeatTicket | null => read<SeatTicket>(SEAT_PREFIX + normalizeCode(code));
export const keepSeatTicket = (code: string, ticket: SeatTicket | null): void => write(SEAT_PREFIX + normalizeCode(code), ticket);

export const experimenterToken = (): string | null => read<string>(ADMIN_KEY);
export const keepExperimenterToken = (token: string | null): void => write(ADMIN_KEY, token);
