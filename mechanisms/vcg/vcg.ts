/**
 * The Vickrey–Clarke–Groves auction of a few items (at most 6) under XOR bids: the
 * allocation that maximises the sum of accepted bids, the Clarke pivot payments, and the
 * core check of the outcome. Items are bits of a mask (item k is bit k of the config's item
 * list); a bidder's bids are alternatives, of which it wins at most one.
 *
 * Winner determination is exact, by dynamic programming over item subsets: best(k, M), the
 * greatest sum of bids of bidders 0..k−1 using only items in M, is the larger of best(k−1, M)
 * and, over bidder k−1's bids b with items inside M, b.price + best(k−1, M without b). With
 * prefix tables (bidders before i) and suffix tables (bidders after i), the optimum without
 * bidder i is the best split of the items between the two: max over M of prefix(i, M) +
 * suffix(i+1, all items not in M). The cost is O(n · 2^m · bids + n · 4^m) per auction.
 *
 * Ties between allocations of equal total are broken by seat order, then by bid order: seat
 * p0 wins the first of its bids (in the order it listed them) that belongs to some
 * welfare-maximising allocation, or nothing if none does; then p1 with the items left, and
 * so on. A single item between equal bids therefore goes to the lowest seat.
 */

/** One bid: a non-empty set of items (a bit mask) and the price offered for all of them together. */
export interface MaskBid {
  readonly mask: number;
  readonly price: number;
}

/** The auction's result, by seat index. */
export interface VcgResult {
  /** The sum of the accepted bids: the greatest welfare the bids allow. */
  readonly bidWelfare: number;
  /** The items each seat wins (0: none). */
  readonly masks: readonly number[];
  /** The index (into the seat's normalised bids) of the bid each seat wins, or -1. */
  readonly won: readonly number[];
  /** The price of each seat's accepted bid (0 when it wins nothing). */
  readonly accepted: readonly number[];
  /** Clarke pivot payments: the welfare of the others without the seat, less their welfare with it. */
  readonly payments: readonly number[];
  readonly revenue: number;
}

/** Floating sums taken in different orders differ in the last bits; this much is a tie. */
const tolerance = (x: number): number => 1e-9 * Math.max(1, Math.abs(x));

/**
 * A seat's bids as the auction reads them: each bundle once (a bundle bid twice counts at
 * its higher price, in the place of its first bid), in the order the seat listed them.
 */
export function normalise(bids: readonly MaskBid[]): MaskBid[] {
  const out: MaskBid[] = [];
  for (const b of bids) {
    const k = out.findIndex((o) => o.mask === b.mask);
    if (k < 0) out.push(b);
    else if (b.price > (out[k] as MaskBid).price) out[k] = { mask: b.mask, price: b.price };
  }
  return out;
}

/** best(k, ·) from best(k−1, ·) and bidder k−1's bids. */
function extend(table: Float64Array, bids: readonly MaskBid[]): Float64Array {
  const next: Float64Array = Float64Array.from(table);
  for (let m = 0; m < table.length; m++) {
    for (const b of bids) {
      if ((b.mask & ~m) !== 0) continue;
      const v = b.price + (table[m ^ b.mask] as number);
      if (v > (next[m] as number)) next[m] = v;
    }
  }
  return next;
}

/** suffix[k][M]: the best sum of bids of seats k..n−1 using only items in M (suffix[n] is all zeros). */
function suffixTables(bids: readonly (readonly MaskBid[])[], size: number): Float64Array[] {
  const n = bids.length;
  const out: Float64Array[] = new Array<Float64Array>(n + 1);
  out[n] = new Float64Array(size);
  for (let k = n - 1; k >= 0; k--) out[k] = extend(out[k + 1] as Float64Array, bids[k] as readonly MaskBid[]);
  return out;
}

/** The greatest sum of bids over allocations of `items` items (each seat wins at most one of its bids). */
export function bestWelfare(bids: readonly (readonly MaskBid[])[], items: number): number {
  let table: Float64Array = new Float64Array(1 << items);
  for (const seatBids of bids) table = extend(table, seatBids);
  return table[(1 << items) - 1] as number;
}

/** The VCG outcome of normalised bids (see normalise) on `items` items. */
export function vcg(bids: readonly (readonly MaskBid[])[], items: number): VcgResult {
  const n = bids.length;
  const size = 1 << items;
  const full = size - 1;
  const suffix = suffixTables(bids, size);
  const prefix: Float64Array[] = [new Float64Array(size)];
  for (let k = 0; k < n; k++) prefix.push(extend(prefix[k] as Float64Array, bids[k] as readonly MaskBid[]));
  const bidWelfare = (suffix[0] as Float64Array)[full] as number;

  // Seat by seat, the first bid (in listed order) that keeps the total at its optimum.
  const masks: number[] = [];
  const won: number[] = [];
  const accepted: number[] = [];
  let left = full;
  for (let k = 0; k < n; k++) {
    const target = (suffix[k] as Float64Array)[left] as number;
    const rest = suffix[k + 1] as Float64Array;
    const seatBids = bids[k] as readonly MaskBid[];
    let pick = -1;
    for (let j = 0; j < seatBids.length && pick < 0; j++) {
      const b = seatBids[j] as MaskBid;
      if ((b.mask & ~left) === 0 && b.price + (rest[left ^ b.mask] as number) >= target - tolerance(target)) pick = j;
    }
    const bid = pick < 0 ? null : (seatBids[pick] as MaskBid);
    masks.push(bid ? bid.mask : 0);
    won.push(pick);
    accepted.push(bid ? bid.price : 0);
    if (bid) left ^= bid.mask;
  }

  const payments = accepted.map((price, i) => {
    if (won[i] === -1) return 0;
    const before = prefix[i] as Float64Array;
    const after = suffix[i + 1] as Float64Array;
    let without = 0;
    for (let m = 0; m < size; m++) {
      const v = (before[m] as number) + (after[full ^ m] as number);
      if (v > without) without = v;
    }
    // Welfare of the others without i, less their welfare in the chosen allocation.
    const pay = without - (bidWelfare - price);
    const eps = tolerance(bidWelfare);
    return pay < eps ? 0 : pay > price - eps ? price : pay;
  });
  let revenue = 0;
  for (const p of payments) revenue += p;
  return { bidWelfare, masks, won, accepted, payments, revenue };
}

/**
 * How far the outcome is from the core of the bids (0: in the core). The seller and a
 * coalition K of bidders block when the bids of K allow a total greater than the revenue
 * plus what the members of K keep (their accepted bid less their payment). The greatest
 * such total over all coalitions is one more winner determination, with each bid lowered by
 * what its bidder keeps; the shortfall is that total less the revenue (Day and Raghavan 2007).
 */
export function coreShortfall(bids: readonly (readonly MaskBid[])[], result: VcgResult, items: number): number {
  const kept = result.accepted.map((a, i) => a - (result.payments[i] as number));
  const lowered = bids.map((seatBids, i) => seatBids.map((b) => ({ mask: b.mask, price: b.price - (kept[i] as number) })).filter((b) => b.price > 0));
  const blocking = bestWelfare(lowered, items) - result.revenue;
  return blocking > tolerance(result.bidWelfare) ? blocking : 0;
}

/** Items in a mask. */
export function countItems(mask: number): number {
  let n = 0;
  for (let m = mask; m; m &= m - 1) n++;
  return n;
}
