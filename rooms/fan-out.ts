/**
 * Who gets which of a patch's engine events. The events the ledger already has are sent
 * right after the patch that shows them, as one `events` message per client: the public
 * ones encoded once for every client that gets nothing else; the experimenter and the seats
 * with events addressed to them get a message of their own; a client that asked at join for
 * its own events only (`events: 'own'`) gets those alone, or nothing.
 */
import type { MechEvent } from '../mechanisms/core/types.ts';
import type { EventMessage } from './protocol.ts';

/** What the fan-out needs to know of a client. */
export interface Listener<C> {
  readonly client: C;
  readonly experimenter: boolean;
  /** The seat it holds as a player, or null. */
  readonly seat: string | null;
  /** Whether it asked for its own seat's events only. */
  readonly ownOnly: boolean;
}

/** Arrays the caller hands to the room's send as they are: `events` itself or arrays made from it, none changed afterwards. */
export interface FanOut<C> {
  /** The public events, for everyone but `except` (null: there are none). */
  readonly broadcast: EventMessage[] | null;
  readonly except: C[];
  /** Clients that get a message of their own instead. */
  readonly own: (readonly [C, EventMessage[]])[];
}

/** Splits a patch's events (each with its audience) among the listeners. */
export function fanOut<C>(events: EventMessage[], audiences: readonly MechEvent['audience'][], listeners: readonly Listener<C>[]): FanOut<C> {
  const publicOnly = audiences.every((a) => a === 'public') ? events : events.filter((_, i) => audiences[i] === 'public');
  const own: [C, EventMessage[]][] = [];
  const skipped: C[] = [];
  const addressedSome = publicOnly !== events;
  if (addressedSome || listeners.some((l) => l.ownOnly)) {
    for (const l of listeners) {
      if (l.experimenter) {
        own.push([l.client, events]);
        continue;
      }
      const { seat } = l;
      const addressed = (i: number) => {
        const a = audiences[i] as MechEvent['audience'];
        return a !== 'public' && a !== 'experimenter' && seat !== null && (a as readonly string[]).includes(seat);
      };
      if (seat !== null && addressedSome && audiences.some((_, i) => addressed(i))) own.push([l.client, events.filter((_, i) => addressed(i) || (!l.ownOnly && audiences[i] === 'public'))]);
      else if (l.ownOnly) skipped.push(l.client);
    }
  }
  const except = [...own.map(([c]) => c), ...skipped];
  const broadcast = publicOnly.length && except.length < listeners.length ? publicOnly : null;
  return { broadcast, except, own };
}
