/** Chat threads as a seat sees them: which thread a line belongs to, and the coalitions it knows of. */
import type { ChatLine, CoalitionNews } from './arena.svelte.ts';

/** 'public', 'private:p3' (the other party) or 'coalition:c12'. */
export function threadOf(line: ChatLine, me: string | null): string {
  if (line.channel === 'public') return 'public';
  if (line.channel === 'coalition') return `coalition:${String(line.coalition)}`;
  const other = line.from === me ? String(line.to) : line.from;
  return me ? `private:${other}` : `private:${[line.from, String(line.to)].sort().join('-')}`;
}

export interface CoalitionState {
  readonly id: string;
  readonly members: readonly string[];
  /** I am invited and have not answered. */
  readonly invited: boolean;
  readonly member: boolean;
}

/** Folds membership news into each coalition's current state, as seen by `me`. */
export function coalitionsOf(news: readonly CoalitionNews[], me: string | null): CoalitionState[] {
  const byId = new Map<string, CoalitionState>();
  for (const n of news) {
    const prior = byId.get(n.coalition);
    let invited = prior?.invited ?? false;
    if (n.op === 'invite' && n.seat === me) invited = true;
    if ((n.op === 'accept' || n.op === 'decline') && n.seat === me) invited = false;
    if (n.op === 'dissolve' || (n.op === 'leave' && n.seat === me)) {
      byId.delete(n.coalition);
      continue;
    }
    byId.set(n.coalition, { id: n.coalition, members: n.members, invited, member: me !== null && n.members.includes(me) });
  }
  return [...byId.values()];
}
