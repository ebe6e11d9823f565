/**
 * What a finished session comes to, read from its record: the round-by-round picture
 * (for markets, price and quantity per period against the competitive equilibrium and
 * the efficiency of each period), each seat's earnings, and the payment list.
 *
 * Three audiences. The class (`classResults`): only what was public by the end — trade
 * prices and quantities, and the equilibrium and efficiency only when the market's own
 * reveal policy made the schedules public (a public event carried an `equilibrium`);
 * never a seat's values, costs, payoffs or name. A seat (`seatResults`): its own rounds.
 * The experimenter (`fullResults`, `payments`): everything, with participant labels; payments
 * by holder (server/holders.ts), so a person and the bot that stood in for them are paid apart.
 */
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import { ROUND_RECORD, type ParticipantRound, type RoundRecordData } from '../mechanisms/core/types.ts';
import { csvLine } from '../studies/output.ts';
import { holderStints } from './holders.ts';

/** One period of a market as the class may see it. */
export interface MarketPeriod {
  readonly period: number;
  readonly prices: readonly number[];
  /** Units traded. */
  readonly quantity: number;
  readonly meanPrice: number | null;
  /** The competitive equilibrium of the period's schedules: only once the market revealed them (always for the experimenter). */
  readonly equilibrium: { readonly quantity: number; readonly priceLow: number | null; readonly priceHigh: number | null } | null;
  /** Realised surplus over the equilibrium surplus; with the equilibrium. */
  readonly efficiency: number | null;
}

/** One closed round of any mechanism: how many took part, and (experimenter only) what they earned. */
export interface RoundSummary {
  readonly round: number;
  readonly participants: number;
  readonly totalPayoff: number | null;
  readonly meanPayoff: number | null;
}

export interface ClassResults {
  readonly session: string;
  readonly title: string;
  readonly mechanism: string;
  readonly status: string;
  /** 'period' for markets with periods, else 'round'. */
  readonly unit: 'period' | 'round';
  readonly rounds: readonly RoundSummary[];
  /** Present for markets (the round records carry an equilibrium). */
  readonly market: { readonly periods: readonly MarketPeriod[]; readonly equilibriumPublic: boolean } | null;
}

export interface SeatEarnings {
  readonly seat: string;
  readonly role: string;
  readonly total: number;
  readonly rounds: readonly { readonly round: number; readonly payoff: number }[];
}

/** Who a participant said they are (a `participant` event), experimenter only. */
export interface ParticipantLabel {
  readonly nickname: string;
  readonly label: string;
}

export interface PaymentRow {
  readonly seat: string;
  readonly role: string;
  readonly nickname: string;
  readonly label: string;
  /** The online panel's participant id (PROLIFIC_PID) when the person came with one, else ''. */
  readonly panelId: string;
  /** 'human' (a person), or 'bot (policy)' for the bots that played the seat. */
  readonly holder: string;
  readonly points: number;
  /** points × rate, in cents of the currency, rounded to the cent. */
  readonly earnings: number;
  readonly showUpFee: number;
  readonly total: number;
}

export interface PaymentTerms {
  /** Money per point. */
  readonly rate: number;
  readonly showUpFee: number;
  readonly currency: string;
}

const cents = (x: number): number => Math.round(x * 100) / 100;
const mean = (xs: readonly number[]): number | null => (xs.length ? cents(xs.reduce((a, b) => a + b, 0) / xs.length) : null);

interface RoundRecord extends RoundRecordData {
  readonly equilibrium?: { quantity?: unknown; priceLow?: unknown; priceHigh?: unknown; surplus?: unknown };
}

/** The record's closed rounds, each once (a resumed room may write a round again), in round order. */
function roundRecords(events: Iterable<LedgerEvent>): RoundRecord[] {
  const byRound = new Map<number, RoundRecord>();
  for (const e of events) {
    if (e.kind !== ROUND_RECORD) continue;
    const data = e.data as unknown as RoundRecord;
    if (typeof data.round === 'number' && Array.isArray(data.rows) && !byRound.has(data.round)) byRound.set(data.round, data);
  }
  return [...byRound.values()].sort((a, b) => a.round - b.round);
}

/** Whether some public event carried an equilibrium: the market showed its schedules to everyone. */
function equilibriumWasPublic(events: Iterable<LedgerEvent>): boolean {
  const carries = (value: unknown, depth: number): boolean => {
    if (depth > 3 || value === null || typeof value !== 'object') return false;
    if (Array.isArray(value)) return value.some((v) => carries(v, depth + 1));
    return Object.entries(value).some(([k, v]) => k === 'equilibrium' || carries(v, depth + 1));
  };
  for (const e of events) if (e.audience === 'public' && carries(e.data, 0)) return true;
  return false;
}

const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** A market period from its round record: prices from the buyers' rows (each trade has one buyer). */
function marketPeriod(r: RoundRecord, withEquilibrium: boolean): MarketPeriod {
  const prices: number[] = [];
  for (const row of r.rows) {
    if (row.role !== 'buyer') continue;
    const cell = row.fields.prices;
    if (typeof cell === 'number') prices.push(cell);
    else if (typeof cell === 'string' && cell) for (const p of cell.split('/')) if (p !== '' && Number.isFinite(Number(p))) prices.push(Number(p));
  }
  const eq = r.equilibrium ?? {};
  const surplus = isNumber(eq.surplus) ? eq.surplus : null;
  const realised = r.rows.reduce((a, row) => a + row.payoff, 0);
  return {
    period: r.round,
    prices,
    quantity: prices.length,
    meanPrice: mean(prices),
    equilibrium: withEquilibrium && isNumber(eq.quantity) ? { quantity: eq.quantity, priceLow: isNumber(eq.priceLow) ? eq.priceLow : null, priceHigh: isNumber(eq.priceHigh) ? eq.priceHigh : null } : null,
    efficiency: withEquilibrium && surplus !== null && surplus > 0 ? Math.round((realised / surplus) * 1000) / 1000 : null,
  };
}

const isMarket = (records: readonly RoundRecord[]): boolean => records.length > 0 && records.every((r) => r.equilibrium !== undefined && r.rows.some((row) => row.role === 'buyer'));

interface Session {
  readonly id: string;
  readonly title: string;
  readonly mechanism: string;
  readonly status: string;
}

function results(session: Session, events: readonly LedgerEvent[], experimenter: boolean): ClassResults {
  const records = roundRecords(events);
  const market = isMarket(records);
  const equilibriumPublic = market && equilibriumWasPublic(events);
  return {
    session: session.id,
    title: session.title,
    mechanism: session.mechanism,
    status: session.status,
    unit: market ? 'period' : 'round',
    rounds: records.map((r) => {
      const payoffs = r.rows.map((row) => row.payoff);
      return { round: r.round, participants: r.rows.length, totalPayoff: experimenter ? cents(payoffs.reduce((a, b) => a + b, 0)) : null, meanPayoff: experimenter ? mean(payoffs) : null };
    }),
    market: market ? { periods: records.map((r) => marketPeriod(r, experimenter || equilibriumPublic)), equilibriumPublic } : null,
  };
}

/** What the class may see once the session is over: public facts only (see the module comment). */
export const classResults = (session: Session, events: readonly LedgerEvent[]): ClassResults => results(session, events, false);

/** The same picture with the experimenter's numbers: equilibria and efficiency always, payoffs per round. */
export const fullResults = (session: Session, events: readonly LedgerEvent[]): ClassResults => results(session, events, true);

/** Each seat's earnings from the closed rounds, in seat order. */
export function earningsBySeat(events: readonly LedgerEvent[]): SeatEarnings[] {
  const bySeat = new Map<string, { role: string; rounds: { round: number; payoff: number }[] }>();
  for (const r of roundRecords(events)) {
    for (const row of r.rows as readonly ParticipantRound[]) {
      const entry = bySeat.get(row.seat) ?? { role: row.role, rounds: [] };
      entry.rounds.push({ round: r.round, payoff: row.payoff });
      bySeat.set(row.seat, entry);
    }
  }
  return [...bySeat.entries()]
    .sort(([a], [b]) => Number(a.slice(1)) - Number(b.slice(1)))
    .map(([seat, e]) => ({ seat, role: e.role, total: cents(e.rounds.reduce((a, r) => a + r.payoff, 0)), rounds: e.rounds }));
}

/** The last nickname and label each seat gave (events of kind `participant`). */
export function participantLabels(events: readonly LedgerEvent[]): Map<string, ParticipantLabel> {
  const labels = new Map<string, ParticipantLabel>();
  for (const e of events) {
    if (e.kind !== 'participant' || !e.seat) continue;
    const text = (x: unknown) => (typeof x === 'string' ? x : '');
    labels.set(e.seat, { nickname: text(e.data.nickname), label: text(e.data.label) });
  }
  return labels;
}

/**
 * The payment list from the record's holder stints (server/holders.ts): one row for the
 * person who held a seat (their stints on it together: a person who came back after a
 * dropout is one person) with their points at `rate` money per point plus the show-up fee,
 * and one row for the bots that played it meanwhile, with their points and no money.
 */
export function payments(events: readonly LedgerEvent[], terms: PaymentTerms): PaymentRow[] {
  const roles = new Map(earningsBySeat(events).map((s) => [s.seat, s.role]));
  const rows = new Map<string, { seat: string; kind: 'human' | 'bot'; nickname: string; label: string; panelId: string; policies: string[]; points: number }>();
  for (const st of holderStints(events)) {
    if (st.kind === 'open') continue;
    const key = `${st.seat}/${st.kind}`;
    const row = rows.get(key) ?? { seat: st.seat, kind: st.kind, nickname: '', label: '', panelId: '', policies: [], points: 0 };
    row.points += st.earnings;
    // The latest a person gave wins: a returning person may correct a typo.
    if (st.nickname) row.nickname = st.nickname;
    if (st.label) row.label = st.label;
    if (st.fields.PROLIFIC_PID) row.panelId = st.fields.PROLIFIC_PID;
    if (st.policy && !row.policies.includes(st.policy)) row.policies.push(st.policy);
    rows.set(key, row);
  }
  const order = (r: { seat: string; kind: string }) => Number(r.seat.slice(1)) * 2 + (r.kind === 'human' ? 0 : 1);
  return [...rows.values()]
    .sort((a, b) => order(a) - order(b))
    .map((r) => {
      const person = r.kind === 'human';
      const points = cents(r.points);
      // Bots are not paid.
      const earnings = person ? cents(Math.max(0, points) * terms.rate) : 0;
      const showUpFee = person ? terms.showUpFee : 0;
      return { seat: r.seat, role: roles.get(r.seat) ?? '', nickname: r.nickname, label: r.label, panelId: r.panelId, holder: person ? 'human' : `bot${r.policies.length ? ` (${r.policies.join(', ')})` : ''}`, points, earnings, showUpFee, total: cents(earnings + showUpFee) };
    });
}

/** Text a participant typed, kept from being read as a formula by a spreadsheet. */
const typed = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/** The payment list as CSV, one line per seat. */
export function* paymentsCsv(rows: readonly PaymentRow[], terms: PaymentTerms): Generator<string> {
  yield `${csvLine(['seat', 'role', 'nickname', 'label', 'panel_id', 'holder', 'points', 'rate', 'earnings', 'show_up_fee', 'total', 'currency'])}\n`;
  for (const r of rows) yield `${csvLine([r.seat, r.role, typed(r.nickname), typed(r.label), typed(r.panelId), r.holder, r.points, terms.rate, r.earnings, r.showUpFee, r.total, terms.currency])}\n`;
}
