/**
 * Who held each seat of a session, and when: the record's seating events folded into
 * holder stints, each with the rounds it was paid for. A stint is one holder's unbroken
 * time on a seat: a person (with the nickname and participant label they gave), a bot
 * (with its policy), or nobody ('open', listed only when a round closed meanwhile). A
 * person who reloads the page, or whose connection drops and comes back, stays in one
 * stint; a bot that takes over after a dropout, or a person who takes the seat back from
 * it, starts a new one. A round is paid to the stint holding the seat when the round
 * closed (its round_record event).
 *
 * Read by the session CSV (server/export.ts), payments and tidy exports:
 *
 *   const stints = holderStints(record);
 *   for (const s of stints) console.log(s.seat, s.kind, s.label, s.earnings);
 *   const who = stintOfRound(stints, 'p3', 2);   // the stint paid for p3's round 2
 */
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import { ROUND_RECORD, type RoundRecordData } from '../mechanisms/core/types.ts';

export type HolderKind = 'human' | 'bot' | 'open';

/** A point of the record: an event's number and its match-clock time (ms). */
export interface RecordPoint {
  readonly seq: number;
  readonly at: number;
}

export interface HolderStint {
  readonly seat: string;
  /** 0, 1, ... per seat, in order. */
  readonly index: number;
  readonly kind: HolderKind;
  /** The bot's policy; null for a person or nobody. */
  readonly policy: string | null;
  /** What the person gave when taking the seat (`participant` event); null when nothing. */
  readonly nickname: string | null;
  readonly label: string | null;
  /** Online-panel parameters (PROLIFIC_PID, STUDY_ID, SESSION_ID) when the person came with them. */
  readonly fields: Readonly<Record<string, string>>;
  /** The event that started the stint; seq -1 for a seat nobody held from the start. */
  readonly from: RecordPoint;
  /** The event that ended it (the next stint's start, a release); null while it lasts. */
  readonly to: RecordPoint | null;
  /** Rounds the stint was paid for, in order. */
  readonly rounds: readonly number[];
  /** Sum of the payoffs of those rounds. */
  readonly earnings: number;
}

interface Building {
  seat: string;
  index: number;
  kind: HolderKind;
  policy: string | null;
  nickname: string | null;
  label: string | null;
  fields: Record<string, string>;
  from: RecordPoint;
  to: RecordPoint | null;
  rounds: number[];
  earnings: number;
}

/** A seat_joined or seat_replaced not yet settled: the participant event right after it may name its person. */
interface Arrival {
  kind: HolderKind;
  policy: string | null;
  nickname: string | null;
  label: string | null;
  fields: Record<string, string>;
  point: RecordPoint;
  /** A seat_claimed came first: a person takes the seat from a bot, always a new stint. */
  claimed: boolean;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.length ? v : null);

function fieldsOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

const sameFields = (a: Record<string, string>, b: Record<string, string>) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/** Every holder stint of every seat, seat by seat (p0, p1, ...) and in order within a seat. */
export function holderStints(events: Iterable<LedgerEvent>): HolderStint[] {
  const stints = new Map<string, Building[]>();
  const arrivals = new Map<string, Arrival>();
  const claims = new Set<string>();

  const current = (seat: string): Building | undefined => stints.get(seat)?.at(-1);
  const open = (seat: string, a: Omit<Building, 'seat' | 'index' | 'to' | 'rounds' | 'earnings'>) => {
    const list = stints.get(seat) ?? [];
    const last = list.at(-1);
    if (last && last.to === null) last.to = a.from;
    // A seat left open with no round paid is no stint worth listing.
    if (last && last.kind === 'open' && last.rounds.length === 0) list.pop();
    list.push({ seat, index: list.length, ...a, to: null, rounds: [], earnings: 0 });
    stints.set(seat, list);
  };
  const settle = (seat: string) => {
    const a = arrivals.get(seat);
    if (!a) return;
    arrivals.delete(seat);
    const now = current(seat);
    // A person rejoining (a reload, a new connection after a drop) with the same words, or the same bot coming back, goes on in its stint.
    const same = now && now.to === null && !a.claimed && now.kind === a.kind && now.policy === a.policy && (a.kind !== 'human' || (now.nickname === a.nickname && now.label === a.label && sameFields(now.fields, a.fields)));
    if (same) return;
    open(seat, { kind: a.kind, policy: a.policy, nickname: a.nickname, label: a.label, fields: a.fields, from: a.point });
  };

  for (const e of events) {
    const seat = e.seat;
    const point = { seq: e.seq, at: e.at };
    if (e.kind === ROUND_RECORD) {
      for (const s of [...arrivals.keys()]) settle(s);
      const data = e.data as unknown as RoundRecordData;
      for (const r of data.rows ?? []) {
        if (!current(r.seat)) open(r.seat, { kind: 'open', policy: null, nickname: null, label: null, fields: {}, from: { seq: -1, at: 0 } });
        const s = current(r.seat) as Building;
        if (!s.rounds.includes(r.round)) {
          s.rounds.push(r.round);
          s.earnings += Number(r.payoff) || 0;
        }
      }
      continue;
    }
    if (!seat) continue;
    switch (e.kind) {
      case 'seat_claimed':
        settle(seat);
        claims.add(seat);
        break;
      case 'seat_joined': {
        settle(seat);
        const kind: HolderKind = e.data.holder === 'bot' ? 'bot' : 'human';
        const policy = kind === 'bot' ? (text(e.data.policy) ?? current(seat)?.policy ?? null) : null;
        arrivals.set(seat, { kind, policy, nickname: null, label: null, fields: {}, point, claimed: claims.delete(seat) });
        break;
      }
      case 'participant': {
        const a = arrivals.get(seat);
        const data = { nickname: text(e.data.nickname), label: text(e.data.label), fields: fieldsOf(e.data.fields) };
        if (a && a.kind === 'human') Object.assign(a, data);
        else {
          // Said later than its join (not how the room writes it): the person holding the seat now.
          const now = current(seat);
          if (now && now.kind === 'human' && now.to === null) Object.assign(now, data);
        }
        settle(seat);
        break;
      }
      case 'seat_replaced':
        settle(seat);
        open(seat, { kind: 'bot', policy: text(e.data.to), nickname: null, label: null, fields: {}, from: point });
        break;
      case 'seat_released':
        settle(seat);
        open(seat, { kind: 'open', policy: null, nickname: null, label: null, fields: {}, from: point });
        break;
      default:
        settle(seat);
    }
  }
  for (const s of [...arrivals.keys()]) settle(s);
  const seats = [...stints.keys()].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)) || a.localeCompare(b));
  const out: HolderStint[] = [];
  for (const seat of seats) {
    const list = stints.get(seat) as Building[];
    if (list.at(-1)?.kind === 'open' && list.at(-1)?.rounds.length === 0) list.pop();
    list.forEach((s, i) => out.push({ ...s, index: i }));
  }
  return out;
}

/** The stint paid for a seat's round, if any. */
export function stintOfRound(stints: readonly HolderStint[], seat: string, round: number): HolderStint | undefined {
  return stints.find((s) => s.seat === seat && s.rounds.includes(round));
}

/** A person's or bot's name as an export shows it: the label, else the nickname, else the policy, else ''. */
export function holderName(stint: HolderStint | undefined): string {
  if (!stint) return '';
  return stint.label ?? stint.nickname ?? stint.policy ?? '';
}
