/**
 * What a mechanism's own views take (its `ui/Board.svelte` and `ui/Watch.svelte`, found
 * by the client registry, client/mechanism-ui.ts). A board is what a human seat sees and
 * does; a watch view is what spectators and the projector see. Both get the server's
 * views as they are; the round, its count and the phase come from `progress`, reference
 * values from `benchmarks`, never guessed from a view.
 */
import type { Benchmark, Legal, Progress } from '../../../mechanisms/core/types.ts';
import type { LiveMeasures } from './arena.svelte.ts';

/** A seat id to the words a page shows for it (lib/seat-names.ts). */
export type SeatName = (seat: string) => string;

/** For a view given no seatName: "Seat 4" for p3, never the id. */
export const seatNumberName: SeatName = (seat) => {
  const m = /^p(\d+)$/.exec(seat);
  return m ? `Seat ${Number(m[1]) + 1}` : seat;
};

/** Sends an action for the current state; resolves with the server's verdict. */
export type Act = (action: { type: string } & Record<string, unknown>) => Promise<unknown>;

/** The public benchmarks of the session's config, by name. */
export type Benchmarks = Readonly<Record<string, Benchmark>>;

export interface BoardProps<V = unknown> {
  /** The seat's view (mechanism.view). */
  view: V;
  /** What the seat may do now; empty while it waits (or the session is not running). */
  legal: Legal;
  act: Act;
  progress?: Progress | null;
  /** The name a seat id is shown by ("Buyer 3", or a nickname the page may show); seat ids never reach the page. */
  seatName?: SeatName;
}

export interface WatchProps<P = unknown> {
  /** The public view (mechanism.publicView). */
  view: P;
  progress: Progress | null;
  benchmarks: Benchmarks;
  /** Live measures for the experimenter, else null. */
  measures: LiveMeasures | null;
  /** The big-screen (projector) layout. */
  big?: boolean;
  /** The name a seat id is shown by ("Buyer 3", or a nickname the page may show). */
  seatName?: SeatName;
}

/** 'Round 3 of 10', 'Period 2 of 3', 'Round 7' (no fixed length). */
export function progressWords(p: Progress): string {
  const unit = p.unit === 'period' ? 'Period' : 'Round';
  return p.rounds === null ? `${unit} ${p.round}` : `${unit} ${p.round} of ${p.rounds}`;
}

/** 'Round 3 of 10 (bidding)', 'Period 3 of 3, over'. */
export const progressLine = (p: Progress): string => `${progressWords(p)}${p.phase === 'over' ? ', over' : ` (${p.phase})`}`;

/** How many rounds have closed (the round under way is not). */
export const closedRounds = (p: Progress): number => (p.phase === 'over' ? p.round : p.round - 1);
