/**
 * Chat → action: price proposals and agreements read from chat by rules, and how often the
 * recipients' next actions match a proposal. The placebo puts each proposal at a random
 * moment of play instead (the same value, sender and audience), so that actions that sit at
 * the proposed price anyway do not count as following it.
 *
 * The rules: a message proposes X when it holds a number X and a word of proposing ("let's
 * all price 1.8", "bid 40", "everyone at 120", "agree on 1.9"); seat names (p2), rounds and
 * periods ("round 3") are not numbers of the market. A message without a number that
 * says yes ("agreed", "deal", "ok", "count me in") agrees to the last proposal of another seat.
 */
import type { Audience, SeatId } from '../mechanisms/core/types.ts';
import type { Rng } from '../mechanisms/core/random.ts';

const CUE = /\b(prices?|pricing|charge|bids?|bidding|asks?|asking|offer|quote|sell|buy|set|go|stick|stay|keep|hold|all|every(one|body)|let'?s|we|should|agree[ds]?|deal|at)\b/;
const AGREE = /\b(agree[ds]?|deal|ok(ay)?|yes|sure|sounds good|i'?m in|count me in|will do|fine)\b/;
const NUMBER = /(?:[$€£]\s*)?(\d+(?:[.,]\d+)?)/;

export interface ChatReading {
  /** The proposed number, or null when the message proposes none. */
  readonly proposal: number | null;
  readonly agreement: boolean;
}

/** Reads one chat message by the rules above. */
export function readChat(text: string): ChatReading {
  const t = text
    .toLowerCase()
    .replace(/\b(round|period|seat|player|firm|bidder|trader)\s*#?\s*\d+/g, ' ')
    .replace(/\bp\d+\b/g, ' ');
  const m = NUMBER.exec(t);
  let proposal: number | null = null;
  if (m && CUE.test(t)) {
    const raw = m[1] as string;
    proposal = Number(/^\d+,\d{1,2}$/.test(raw) ? raw.replace(',', '.') : raw.replaceAll(',', ''));
    if (!Number.isFinite(proposal)) proposal = null;
  }
  return { proposal, agreement: proposal === null && AGREE.test(t) };
}

export interface ChatEvent {
  readonly seq: number;
  readonly seat: SeatId | null;
  readonly audience: Audience;
  readonly text: string;
}

/** A seat's submitted action, by the first number it names (a price, a bid, an amount). */
export interface NumericAction {
  readonly seq: number;
  readonly seat: SeatId;
  readonly value: number;
}

export interface Proposal {
  readonly seq: number;
  readonly from: SeatId;
  readonly to: readonly SeatId[];
  readonly value: number;
}

/** The proposals and agreements of a record's chat. */
export function proposalsOf(chats: readonly ChatEvent[], seats: readonly SeatId[]): { proposals: Proposal[]; agreements: number } {
  const proposals: Proposal[] = [];
  let agreements = 0;
  for (const c of chats) {
    if (c.seat === null) continue;
    const reading = readChat(c.text);
    if (reading.proposal !== null) {
      const to = (c.audience === 'public' ? seats : c.audience === 'experimenter' ? [] : c.audience).filter((s) => s !== c.seat);
      proposals.push({ seq: c.seq, from: c.seat, to, value: reading.proposal });
    } else if (reading.agreement) {
      const last = proposals.at(-1);
      if (last && last.from !== c.seat) agreements++;
    }
  }
  return { proposals, agreements };
}

/** Each seat's actions in record order. */
export function actionsBySeat(actions: readonly NumericAction[]): Map<SeatId, NumericAction[]> {
  const by = new Map<SeatId, NumericAction[]>();
  for (const a of actions) {
    let list = by.get(a.seat);
    if (!list) by.set(a.seat, (list = []));
    list.push(a);
  }
  return by;
}

/** The first of `list` (sorted by seq) after `seq`. */
function nextAfter(list: readonly NumericAction[], seq: number): NumericAction | undefined {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as NumericAction).seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return list[lo];
}

/**
 * Share of recipients' next actions (after each proposal) within `tolerance` (relative) of
 * the proposed value; NaN when no proposal reached a recipient who acted afterwards.
 */
export function followRate(proposals: readonly Proposal[], bySeat: ReadonlyMap<SeatId, readonly NumericAction[]>, tolerance: number): number {
  let asked = 0;
  let followed = 0;
  for (const p of proposals) {
    const tol = Math.max(tolerance * Math.abs(p.value), 1e-9);
    for (const seat of p.to) {
      const next = nextAfter(bySeat.get(seat) ?? [], p.seq);
      if (!next) continue;
      asked++;
      if (Math.abs(next.value - p.value) <= tol) followed++;
    }
  }
  return asked ? followed / asked : Number.NaN;
}

/** The proposals moved to random moments of play: each just before an action drawn uniformly from the record's actions. */
export function placebo(proposals: readonly Proposal[], actions: readonly NumericAction[], rng: Rng): Proposal[] {
  if (!actions.length) return [];
  return proposals.map((p) => ({ ...p, seq: (rng.pick(actions) as NumericAction).seq - 0.5 }));
}
