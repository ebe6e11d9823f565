/**
 * Seat names people read instead of seat ids: "Buyer 3", "Seller 2", "Bidder 1" (the
 * seat's place among the seats of its role, in seat order), "Regulator" for a role only
 * one seat has, or the holder's nickname where the page may show it (the session shows
 * nicknames, or the reader is the experimenter). Seat ids (`p0`…) stay the records' keys.
 *
 * ```ts
 * const names = seatNames([{ seat: 'p0', role: 'buyer' }, { seat: 'p1', role: 'buyer' }, { seat: 'p2', role: 'seller' }]);
 * names('p1'); // 'Buyer 2'
 * names('p2'); // 'Seller'
 * ```
 */

/** A seat as the page knows it: its id, its role, and the holder's nickname when the page may show it. */
export interface NamedSeat {
  readonly seat: string;
  readonly role: string;
  /** The nickname, when shown; '' or absent otherwise. */
  readonly name?: string | null;
}

/** 'buyer' → 'Buyer'; '' (no role) → 'Seat'. */
export function roleWord(role: string | undefined): string {
  // A seat whose fields have not all arrived yet (the first patch of a resumed room) has no role.
  const word = (role ?? '').trim().replace(/[-_]+/g, ' ');
  return word ? word[0]!.toUpperCase() + word.slice(1) : 'Seat';
}

/** The number in a seat id (`p12` → 12), or null for an id of another form. */
const seatNumber = (seat: string): number | null => {
  const m = /^p(\d{1,6})$/.exec(seat);
  return m ? Number(m[1]) : null;
};

const bySeatOrder = (a: string, b: string): number => (seatNumber(a) ?? Infinity) - (seatNumber(b) ?? Infinity) || a.localeCompare(b);

/** The role name of every seat ("Buyer 3"), nicknames left out. */
export function roleNames(seats: readonly NamedSeat[]): Map<string, string> {
  const byRole = new Map<string, string[]>();
  for (const s of seats) byRole.set(s.role, [...(byRole.get(s.role) ?? []), s.seat]);
  const names = new Map<string, string>();
  for (const [role, ids] of byRole) {
    ids.sort(bySeatOrder);
    ids.forEach((id, i) => names.set(id, ids.length === 1 && role ? roleWord(role) : `${roleWord(role)} ${i + 1}`));
  }
  return names;
}

/**
 * The name to show for each seat: its nickname (from `nicknames`, for the experimenter,
 * else the seat's own `name`), else its role name. A seat the list does not have is
 * "Seat N" from its id, or the id itself.
 */
export function seatNames(seats: readonly NamedSeat[], nicknames: Readonly<Record<string, string | null | undefined>> = {}): (seat: string) => string {
  const roles = roleNames(seats);
  const given = new Map(seats.map((s) => [s.seat, s.name ?? '']));
  return (seat) => {
    const nickname = (nicknames[seat] ?? given.get(seat) ?? '').trim();
    if (nickname) return nickname;
    const role = roles.get(seat);
    if (role) return role;
    const n = seatNumber(seat);
    return n === null ? seat : `Seat ${n + 1}`;
  };
}

/** For the experimenter: the nickname with the role name beside it ("Ana (Buyer 3)"), or the role name alone. */
export function seatNamesWithRole(seats: readonly NamedSeat[], nicknames: Readonly<Record<string, string | null | undefined>> = {}): (seat: string) => string {
  const roles = roleNames(seats);
  const named = seatNames(seats, nicknames);
  return (seat) => {
    const name = named(seat);
    const role = roles.get(seat);
    return role && name !== role ? `${name} (${role})` : name;
  };
}
