/**
 * The order book: two small arrays kept in priority order (best price first, then
 * earliest order id), replaced rather than mutated, so a transition copies only the
 * side it touches.
 */

/** One resting limit order for one unit. `trader` is the seat index. */
export interface Order {
  readonly id: number;
  readonly trader: number;
  readonly price: number;
}

export type BookSide = 'bid' | 'ask';

export const EMPTY_BOOK: readonly Order[] = Object.freeze([]);

/** Inserts behind every order of equal or better price (price-time priority); returns a new array. */
export function insertOrder(book: readonly Order[], side: BookSide, order: Order): Order[] {
  let at = book.length;
  for (let k = 0; k < book.length; k++) {
    const p = (book[k] as Order).price;
    if (side === 'bid' ? p < order.price : p > order.price) {
      at = k;
      break;
    }
  }
  const out = book.slice(0, at);
  out.push(order);
  for (let k = at; k < book.length; k++) out.push(book[k] as Order);
  return out;
}

export function removeAt(book: readonly Order[], index: number): readonly Order[] {
  if (book.length === 1) return EMPTY_BOOK;
  const out: Order[] = [];
  for (let k = 0; k < book.length; k++) if (k !== index) out.push(book[k] as Order);
  return out;
}

/** A trader's orders on one side: how many, the oldest (lowest id), and the most aggressive price. */
export interface OwnOrders {
  readonly count: number;
  readonly oldest: number;
  readonly oldestIndex: number;
  /** Highest own bid or lowest own ask; NaN when there is none (never stored). */
  readonly extreme: number;
}

export function ownOrders(book: readonly Order[], trader: number): OwnOrders {
  let count = 0;
  let oldest = -1;
  let oldestIndex = -1;
  let extreme = Number.NaN;
  for (let k = 0; k < book.length; k++) {
    const o = book[k] as Order;
    if (o.trader !== trader) continue;
    // The book is in priority order, so the first own order is the most aggressive.
    if (count === 0) extreme = o.price;
    count++;
    if (oldest < 0 || o.id < oldest) {
      oldest = o.id;
      oldestIndex = k;
    }
  }
  return { count, oldest, oldestIndex, extreme };
}

/** One price level of the public book. */
export interface BookLevel {
  readonly price: number;
  readonly size: number;
  /** Owners in time order; only when the information policy shows them. */
  readonly owners?: readonly string[];
}

/** Aggregates a side into price levels, best first. */
export function levelsOf(book: readonly Order[], ownerName: ((trader: number) => string) | null): BookLevel[] {
  const out: BookLevel[] = [];
  let k = 0;
  while (k < book.length) {
    const price = (book[k] as Order).price;
    let j = k;
    while (j < book.length && (book[j] as Order).price === price) j++;
    if (ownerName) {
      const owners: string[] = [];
      for (let m = k; m < j; m++) owners.push(ownerName((book[m] as Order).trader));
      out.push({ price, size: j - k, owners });
    } else out.push({ price, size: j - k });
    k = j;
  }
  return out;
}
