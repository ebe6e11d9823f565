/**
 * The clearing rules and what is measured of their outcome, over indices: students
 * 0..n−1, schools 0..m−1. A list is a student's reported order of schools (only the listed
 * schools are acceptable to it); a priority order is a school's order of the students it
 * accepts (all of them, unless a school seat submitted none); an assignment gives each
 * student its school or null.
 */
import type { ClearingRule } from './config.ts';

export interface Market {
  /** Each student's rank-order list, most preferred first (possibly truncated or empty). */
  readonly lists: readonly (readonly number[])[];
  /** Each school's order of the students, highest priority first. */
  readonly priorities: readonly (readonly number[])[];
  readonly capacities: readonly number[];
}

export type Assignment = (number | null)[];

/** position[j][i]: where student i stands in school j's order (0 first). */
export function positions(orders: readonly (readonly number[])[], size: number): number[][] {
  return orders.map((order) => {
    const at = new Array<number>(size).fill(Infinity);
    order.forEach((x, k) => (at[x] = k));
    return at;
  });
}

/** Student-proposing deferred acceptance (Gale and Shapley 1962): students propose down their lists, schools hold their best applicants so far. */
export function studentProposing(market: Market): Assignment {
  const n = market.lists.length;
  const rank = positions(market.priorities, n);
  const next = new Array<number>(n).fill(0);
  const held: number[][] = market.capacities.map(() => []);
  const assignment: Assignment = new Array<number | null>(n).fill(null);
  const free = Array.from({ length: n }, (_, i) => n - 1 - i);
  while (free.length) {
    const i = free.pop() as number;
    const list = market.lists[i] as readonly number[];
    if ((next[i] as number) >= list.length) continue;
    const j = list[next[i] as number] as number;
    next[i] = (next[i] as number) + 1;
    const at = rank[j] as number[];
    if (at[i] === Infinity) {
      free.push(i);
      continue;
    }
    const mine = held[j] as number[];
    mine.push(i);
    mine.sort((a, b) => (at[a] as number) - (at[b] as number));
    assignment[i] = j;
    if (mine.length > (market.capacities[j] as number)) {
      const out = mine.pop() as number;
      assignment[out] = null;
      free.push(out);
    }
  }
  return assignment;
}

/** School-proposing deferred acceptance: schools offer seats down their priority orders, students hold the best offer on their lists. */
export function schoolProposing(market: Market): Assignment {
  const n = market.lists.length;
  const m = market.capacities.length;
  const pref = positions(market.lists, m);
  const next = new Array<number>(m).fill(0);
  const held = new Array<number>(m).fill(0);
  const assignment: Assignment = new Array<number | null>(n).fill(null);
  for (let moved = true; moved; ) {
    moved = false;
    for (let j = 0; j < m; j++) {
      const order = market.priorities[j] as readonly number[];
      while ((held[j] as number) < (market.capacities[j] as number) && (next[j] as number) < order.length) {
        const i = order[next[j] as number] as number;
        next[j] = (next[j] as number) + 1;
        moved = true;
        const wants = pref[i] as number[];
        if (wants[j] === Infinity) continue;
        const current = assignment[i] as number | null;
        if (current !== null && (wants[current] as number) <= (wants[j] as number)) continue;
        if (current !== null) held[current] = (held[current] as number) - 1;
        assignment[i] = j;
        held[j] = (held[j] as number) + 1;
      }
    }
  }
  return assignment;
}

/**
 * Immediate acceptance, the Boston mechanism (Abdulkadiroğlu and Sönmez 2003): in step k
 * every unassigned student applies to the k-th school on its list; a school admits its
 * applicants by priority into its remaining seats, for good, and turns the rest away.
 */
export function immediateAcceptance(market: Market): Assignment {
  const n = market.lists.length;
  const rank = positions(market.priorities, n);
  const left = market.capacities.slice();
  const assignment: Assignment = new Array<number | null>(n).fill(null);
  const longest = Math.max(0, ...market.lists.map((l) => l.length));
  for (let k = 0; k < longest; k++) {
    const applicants: number[][] = market.capacities.map(() => []);
    for (let i = 0; i < n; i++) {
      const j = (market.lists[i] as readonly number[])[k];
      if (assignment[i] === null && j !== undefined) (applicants[j] as number[]).push(i);
    }
    applicants.forEach((group, j) => {
      const at = rank[j] as number[];
      const accepted = group.filter((i) => at[i] !== Infinity).sort((a, b) => (at[a] as number) - (at[b] as number));
      for (const i of accepted.slice(0, left[j])) assignment[i] = j;
      left[j] = Math.max(0, (left[j] as number) - accepted.length);
    });
  }
  return assignment;
}

export function clear(rule: ClearingRule, market: Market): Assignment {
  switch (rule) {
    case 'student-da':
      return studentProposing(market);
    case 'school-da':
      return schoolProposing(market);
    case 'boston':
      return immediateAcceptance(market);
  }
}

/**
 * Pairs (student, school) that would both rather have each other: the student prefers the
 * school to what it got (every school beats none under true preferences), and the school
 * has a free seat or holds a student of lower priority. `truth` is each student's full true order.
 */
export function blockingPairs(truth: readonly (readonly number[])[], priorities: readonly (readonly number[])[], capacities: readonly number[], assignment: readonly (number | null)[]): [number, number][] {
  const n = truth.length;
  const pref = positions(truth, capacities.length);
  const rank = positions(priorities, n);
  const worst = capacities.map(() => -1);
  const filled = capacities.map(() => 0);
  assignment.forEach((j, i) => {
    if (j === null) return;
    filled[j] = (filled[j] as number) + 1;
    worst[j] = Math.max(worst[j] as number, (rank[j] as number[])[i] as number);
  });
  const pairs: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const mine = assignment[i];
    const wants = pref[i] as number[];
    for (let j = 0; j < capacities.length; j++) {
      if (mine !== null && mine !== undefined && (wants[j] as number) >= (wants[mine] as number)) continue;
      if ((filled[j] as number) < (capacities[j] as number) || ((rank[j] as number[])[i] as number) < (worst[j] as number)) pairs.push([i, j]);
    }
  }
  return pairs;
}

/**
 * The greatest total value of any assignment that respects capacities (the Hungarian
 * method on students against school seats, each student also having a seat "none" worth 0).
 */
export function maxTotalValue(values: readonly (readonly number[])[], capacities: readonly number[]): number {
  const n = values.length;
  const slots: number[] = [];
  capacities.forEach((c, j) => {
    for (let k = 0; k < c; k++) slots.push(j);
  });
  const cols = slots.length + n;
  const cost = (i: number, c: number): number => (c < slots.length ? -((values[i] as readonly number[])[slots[c] as number] as number) : 0);
  // Jonker-style potentials, rows 1..n, columns 1..cols (0 is the sentinel).
  const u = new Array<number>(n + 1).fill(0);
  const v = new Array<number>(cols + 1).fill(0);
  const p = new Array<number>(cols + 1).fill(0);
  const way = new Array<number>(cols + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Array<number>(cols + 1).fill(Infinity);
    const used = new Array<boolean>(cols + 1).fill(false);
    do {
      used[j0] = true;
      const i0 = p[j0] as number;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= cols; j++) {
        if (used[j]) continue;
        const cur = cost(i0 - 1, j - 1) - (u[i0] as number) - (v[j] as number);
        if (cur < (minv[j] as number)) {
          minv[j] = cur;
          way[j] = j0;
        }
        if ((minv[j] as number) < delta) {
          delta = minv[j] as number;
          j1 = j;
        }
      }
      for (let j = 0; j <= cols; j++) {
        if (used[j]) {
          u[p[j] as number] = (u[p[j] as number] as number) + delta;
          v[j] = (v[j] as number) - delta;
        } else minv[j] = (minv[j] as number) - delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0] as number;
      p[j0] = p[j1] as number;
      j0 = j1;
    } while (j0);
  }
  let total = 0;
  for (let j = 1; j <= cols; j++) if ((p[j] as number) > 0 && j - 1 < slots.length) total += (values[(p[j] as number) - 1] as readonly number[])[slots[j - 1] as number] as number;
  return total;
}

/** A student's order of the schools by value, highest first; equal values in school order. */
export function orderByValue(values: readonly number[]): number[] {
  return values.map((_, j) => j).sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
}
