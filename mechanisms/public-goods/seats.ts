/** Seat lookups, cached per seats array (a match keeps one array for its whole life). */
import type { SeatId } from '../core/types.ts';

const indexCache = new WeakMap<readonly SeatId[], ReadonlyMap<SeatId, number>>();

/** Seat -> index, cached per seats array; -1 for a seat not in the match. */
export function seatIndex(seats: readonly SeatId[], seat: SeatId): number {
  // Fast path: seats are usually p0..p(n-1) in order.
  let k = 0;
  for (let c = 1; c < seat.length; c++) {
    const d = seat.charCodeAt(c) - 48;
    if (d < 0 || d > 9) {
      k = -1;
      break;
    }
    k = k * 10 + d;
  }
  if (k >= 0 && seats[k] === seat) return k;
  let map = indexCache.get(seats);
  if (!map) {
    map = new Map(seats.map((s, i) => [s, i]));
    indexCache.set(seats, map);
  }
  return map.get(seat) ?? -1;
}

const othersCache = new WeakMap<readonly SeatId[], (readonly SeatId[])[]>();

/** Every seat but seat i, cached per seats array. */
export function othersOf(seats: readonly SeatId[], i: number): readonly SeatId[] {
  let bySeat = othersCache.get(seats);
  if (!bySeat) {
    bySeat = [];
    othersCache.set(seats, bySeat);
  }
  let others = bySeat[i];
  if (!others) {
    others = seats.filter((_, j) => j !== i);
    bySeat[i] = others;
  }
  return others;
}
