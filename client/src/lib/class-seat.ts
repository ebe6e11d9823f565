/**
 * The class link as the browser uses it (server/class-api.ts): what the class page shows
 * before seating, the seat it hands out, and what this device remembers of it — the
 * seat's code, so a reload or a second scan of the same QR code returns to the same seat,
 * and what the person said about themselves, which the seat page sends when it joins.
 */
import { api } from './api.ts';
import { normalizeCode, read, write } from './device.ts';
import type { Participant } from '../../../rooms/protocol.ts';
import { PANEL_FIELDS } from '../../../rooms/protocol.ts';

export interface ClassStatus {
  readonly title: string;
  readonly status: string;
  /** Null when the session is not live on the server (or has ended). */
  readonly seats: { readonly total: number; readonly taken: number; readonly roles: readonly { readonly role: string; readonly total: number; readonly free: number }[] } | null;
}

export interface ClassTicket {
  readonly session: string;
  readonly roomId: string;
  readonly seat: string;
  readonly code: string | null;
  readonly token: string;
}

export type { Participant };

const CLASS_PREFIX = 'arena.class.';
const PERSON_PREFIX = 'arena.person.';

export const normalizeClassCode = normalizeCode;

/** The seat code this device was given by a class link, if any. */
export const classSeatCode = (classCode: string): string | null => read<string>(CLASS_PREFIX + normalizeClassCode(classCode));
export const keepClassSeatCode = (classCode: string, seatCode: string | null): void => write(CLASS_PREFIX + normalizeClassCode(classCode), seatCode);

/** What the person on a seat (by its seat code) said about themselves on this device. */
export const seatPerson = (seatCode: string): Participant | null => read<Participant>(PERSON_PREFIX + normalizeCode(seatCode));
export const keepSeatPerson = (seatCode: string, person: Participant | null): void => write(PERSON_PREFIX + normalizeCode(seatCode), person);

/** The online-panel parameters of a page address (PROLIFIC_PID, STUDY_ID, SESSION_ID), when present and plain. */
export function panelFields(search: string): Record<string, string> {
  const params = new URLSearchParams(search);
  const out: Record<string, string> = {};
  for (const name of PANEL_FIELDS) {
    const value = params.get(name)?.trim();
    if (value && value.length <= 100 && /^[\w.-]+$/.test(value)) out[name] = value;
  }
  return out;
}

/** A person who came by a seat link from an online panel (PROLIFIC_PID in the address), or null. */
export function panelPerson(search: string): Participant | null {
  const fields = panelFields(search);
  return fields.PROLIFIC_PID ? { nickname: null, label: fields.PROLIFIC_PID, fields } : null;
}

export const classStatus = (code: string): Promise<ClassStatus> => api<ClassStatus>(`/api/class/${encodeURIComponent(normalizeClassCode(code))}`);
export const takeClassSeat = (code: string, role: string | null): Promise<ClassTicket> => api<ClassTicket>(`/api/class/${encodeURIComponent(normalizeClassCode(code))}`, { body: role ? { role } : {} });
