/**
 * Tidy tables of a record, one CSV file each, and the data dictionary that lists every
 * column of every table written (generated from the same column declarations, so it cannot
 * drift): participant-rounds (one value per cell; list fields in round_lists), seat
 * holders over time, decisions with response times, chat, LLM calls, and the mechanism's
 * own tables (a double auction's trades and orders: mechanisms/core/tables.ts). Live
 * session exports (server/export.ts) and headless results folders (studies/runner.ts)
 * write the same tables from the same code.
 *
 * Times: `at_ms` is the match clock of the ledger event (ms of running time since the
 * match started). `wall_time` is not recorded with every event: it is derived from the
 * latest earlier event that carries a wall-clock reading (`wall`: session start, pause,
 * resume, jump, release, resume after a restart, end) plus the match time since then,
 * which is exact while the clock runs. Headless episodes run on a simulated clock and have
 * no such events, so their `wall_time` cells are empty and their tables deterministic.
 *
 *   const tables = recordTables(() => readRecord(), { keys: sessionKeys('s1abc') });
 *   for (const t of tables) for (const chunk of tableCsv(t)) out.write(chunk);
 *   for (const chunk of dictionaryCsv(tables)) out.write(chunk);
 */
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import { Match, type MatchHeader } from '../mechanisms/core/match.ts';
import { EVENT_COLUMNS, eventCells, type Cell, type ColumnSpec, type RoundFieldSpec, type TableReader, type TableRow, type TableSpec } from '../mechanisms/core/tables.ts';
import { ROUND_RECORD, type AnyMechanism, type RoundRecordData, type SeatId } from '../mechanisms/core/types.ts';
import { findMechanism } from '../mechanisms/registry.ts';
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { csvLine, StreamFile } from './output.ts';

/** A table as written: its columns (keys and wall-clock columns included) and its rows, read afresh each time. */
export interface Table {
  readonly name: string;
  readonly definition: string;
  readonly columns: readonly ColumnSpec[];
  rows(): Generator<TableRow>;
}

/** The columns that say which match a row belongs to: a live session's id, or a study's treatment and episode. */
export interface TableKeys {
  readonly columns: readonly ColumnSpec[];
  of(match: string): Readonly<Record<string, Cell>>;
}

export const sessionKeys = (session: string): TableKeys => ({
  columns: [{ name: 'session', unit: 'session id', definition: 'the live session' }],
  of: () => ({ session }),
});

/** Keys of a study's episodes, whose match ids are `study/treatment/episode`. */
export const EPISODE_KEYS: TableKeys = {
  columns: [
    { name: 'treatment', unit: 'treatment', definition: 'treatment (or factorial cell) of the study, as in episodes.csv' },
    { name: 'episode', unit: 'episode', definition: 'episode number within the treatment, from 0, as in episodes.csv' },
  ],
  of(match) {
    const parts = match.split('/');
    return { treatment: parts.at(-2) ?? null, episode: Number(parts.at(-1)) };
  },
};

/** One holder's unbroken time on a seat (server/holders.ts folds a live session's; `recordStints` is the plain fold). */
export interface Stint {
  readonly seat: string;
  readonly index: number;
  readonly kind: 'human' | 'bot' | 'open';
  readonly policy: string | null;
  readonly nickname: string | null;
  readonly label: string | null;
  readonly from: { readonly seq: number; readonly at: number };
  readonly to: { readonly seq: number; readonly at: number } | null;
  readonly rounds: readonly number[];
  readonly earnings: number;
}

export type StintsOf = (events: Iterable<LedgerEvent>) => readonly Stint[];

/**
 * Holder stints from the record's header (who played each seat when the match began) and
 * its seating events (seat_joined, seat_replaced, seat_claimed, seat_released, participant);
 * each round is paid to the stint holding the seat when it closed. The plain fold for
 * headless records; a live session's exports use server/holders.ts, which also keeps a
 * person's stint through reloads and dropped connections.
 */
export function recordStints(events: Iterable<LedgerEvent>): Stint[] {
  type Open = { -readonly [K in keyof Stint]: Stint[K] } & { rounds: number[] };
  const bySeat = new Map<string, Open[]>();
  const start = (seat: string, kind: Stint['kind'], policy: string | null, from: { seq: number; at: number }) => {
    const list = bySeat.get(seat) ?? [];
    const last = list.at(-1);
    if (last && last.kind === kind && last.policy === policy && kind !== 'human') return;
    if (last) last.to = from;
    // A seat left open with no round paid is no stint worth listing.
    if (last && last.kind === 'open' && last.rounds.length === 0) list.pop();
    list.push({ seat, index: list.length, kind, policy, nickname: null, label: null, from, to: null, rounds: [], earnings: 0 });
    bySeat.set(seat, list);
  };
  for (const e of events) {
    const point = { seq: e.seq, at: e.at };
    if (e.kind === 'match_started') {
      const header = e.data as unknown as MatchHeader;
      for (const h of header.population ?? []) start(h.seat, h.kind === 'policy' ? 'bot' : h.kind, h.kind === 'policy' ? (h.policy ?? null) : null, { seq: e.seq, at: e.at });
    } else if (e.kind === ROUND_RECORD) {
      for (const r of (e.data as unknown as RoundRecordData).rows ?? []) {
        if (!bySeat.has(r.seat)) start(r.seat, 'open', null, { seq: -1, at: 0 });
        const s = bySeat.get(r.seat)?.at(-1) as Open;
        if (s.rounds.includes(r.round)) continue;
        s.rounds.push(r.round);
        s.earnings += Number(r.payoff) || 0;
      }
    } else if (e.seat) {
      if (e.kind === 'seat_joined') start(e.seat, e.data.holder === 'bot' ? 'bot' : 'human', e.data.holder === 'bot' && typeof e.data.policy === 'string' ? e.data.policy : null, point);
      else if (e.kind === 'seat_replaced') start(e.seat, 'bot', typeof e.data.to === 'string' ? e.data.to : null, point);
      else if (e.kind === 'seat_claimed') start(e.seat, 'human', null, point);
      else if (e.kind === 'seat_released') start(e.seat, 'open', null, point);
      else if (e.kind === 'participant') {
        const now = bySeat.get(e.seat)?.at(-1);
        if (now?.kind === 'human') Object.assign(now, { nickname: typeof e.data.nickname === 'string' ? e.data.nickname : null, label: typeof e.data.label === 'string' ? e.data.label : null });
      }
    }
  }
  return [...bySeat.keys()]
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
    .flatMap((seat) => (bySeat.get(seat) as Open[]).filter((s, i, all) => !(s.kind === 'open' && s.rounds.length === 0 && i === all.length - 1)).map((s, i) => ({ ...s, index: i })));
}

const WALL: ColumnSpec = {
  name: 'wall_time',
  unit: 'ISO 8601 UTC',
  definition:
    'wall-clock time of the event: the latest earlier wall-clock reading of the record (session start, pause, resume, jump, release, end) plus the match time since it; during a pause, the time the pause began; empty before the session started (the lobby) and for headless episodes (simulated clock)',
};

/** Wall-clock readings of one match (events with a numeric data.wall), to date its other events. */
class WallClock {
  readonly #anchors: { seq: number; at: number; wall: number }[] = [];

  see(e: LedgerEvent): void {
    if (typeof e.data.wall === 'number') this.#anchors.push({ seq: e.seq, at: e.at, wall: e.data.wall });
  }

  /** ISO time of an event (by its seq and match time), or null before the first reading. */
  of(seq: Cell, at: Cell): string | null {
    if (typeof seq !== 'number' || typeof at !== 'number') return null;
    let anchor: { at: number; wall: number } | undefined;
    for (const a of this.#anchors) {
      if (a.seq > seq) break;
      anchor = a;
    }
    return anchor ? new Date(anchor.wall + (at - anchor.at)).toISOString() : null;
  }
}

/** Columns as written: every `*at_ms` column is followed by its `*wall_time`, dated from the `*seq` beside it. */
function withWall(columns: readonly ColumnSpec[]): { columns: ColumnSpec[]; walls: { at: string; seq: string; wall: string }[] } {
  const out: ColumnSpec[] = [];
  const walls: { at: string; seq: string; wall: string }[] = [];
  const names = new Set(columns.map((c) => c.name));
  for (const c of columns) {
    out.push(c);
    const prefix = /^(.*)at_ms$/.exec(c.name)?.[1];
    if (prefix === undefined || !names.has(`${prefix}seq`)) continue;
    const wall = `${prefix}wall_time`;
    out.push(prefix ? { ...WALL, name: wall, definition: `${WALL.definition} (of ${prefix.replace(/_$/, '')})` } : WALL);
    walls.push({ at: c.name, seq: `${prefix}seq`, wall });
  }
  return { columns: out, walls };
}

/** A table from a spec: each match's events through a fresh reader, with its keys and wall-clock times. */
class RecordTable implements Table {
  readonly name: string;
  readonly definition: string;
  readonly columns: readonly ColumnSpec[];
  readonly spec: TableSpec;
  readonly walls: readonly { at: string; seq: string; wall: string }[];
  readonly read: () => Iterable<LedgerEvent>;
  readonly keys: TableKeys;

  constructor(spec: TableSpec, read: () => Iterable<LedgerEvent>, keys: TableKeys) {
    const { columns, walls } = withWall(spec.columns);
    this.name = spec.name;
    this.definition = spec.definition;
    this.columns = [...keys.columns, ...columns];
    this.spec = spec;
    this.walls = walls;
    this.read = read;
    this.keys = keys;
  }

  *rows(): Generator<TableRow> {
    for (const [, row] of rowsTogether([this])) yield row;
  }
}

/**
 * The rows of several tables of one record in one pass over it, each with the index of its
 * table: a results folder's tables are written together so the record is parsed once.
 */
function* rowsTogether(tables: readonly RecordTable[]): Generator<readonly [number, TableRow]> {
  const first = tables[0];
  if (!first) return;
  let match: string | null = null;
  let readers: TableReader[] = [];
  let clock = new WallClock();
  let key: Readonly<Record<string, Cell>> = {};
  const dated = function* (i: number, rows: readonly TableRow[] | undefined): Generator<readonly [number, TableRow]> {
    const walls = (tables[i] as RecordTable).walls;
    for (const r of rows ?? []) {
      const row: Record<string, Cell> = { ...key, ...r };
      for (const w of walls) row[w.wall] = clock.of(r[w.seq] ?? null, r[w.at] ?? null);
      yield [i, row];
    }
  };
  const end = function* () {
    for (let i = 0; i < readers.length; i++) {
      const rows = readers[i]?.end?.();
      if (rows?.length) yield* dated(i, rows);
    }
  };
  for (const e of first.read()) {
    if (e.match !== match) {
      yield* end();
      match = e.match;
      readers = tables.map((t) => t.spec.reader());
      clock = new WallClock();
      key = first.keys.of(match);
    }
    clock.see(e);
    // Most events make no row: skip the generator for them (a results folder's record is millions of events).
    for (let i = 0; i < readers.length; i++) {
      const rows = (readers[i] as TableReader).see(e);
      if (rows?.length) yield* dated(i, rows);
    }
  }
  yield* end();
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The columns a participant-round row has whatever the mechanism. */
const ROUND_FIXED: readonly ColumnSpec[] = [
  { name: 'round', unit: 'round', definition: 'round (or period) of the mechanism, from 1' },
  { name: 'seat', unit: 'seat', definition: 'the seat (p0, p1, ...)' },
  { name: 'role', unit: 'role', definition: "the seat's role in the mechanism (buyer, seller, bidder, ...)" },
  { name: 'stint', unit: 'stint', definition: 'the holder stint paid for the round (seat_holders.stint of this seat): the holder when the round closed' },
  { name: 'holder', unit: 'human, bot or open', definition: 'who held the seat when the round closed: a person, a bot, or nobody' },
  { name: 'policy', unit: 'policy', definition: "the bot's policy; empty for a person" },
  { name: 'nickname', unit: 'text', definition: 'the nickname the person gave when taking the seat; empty when none' },
  { name: 'label', unit: 'text', definition: 'the participant label the person gave (a student id, a panel id); empty when none' },
  { name: 'llm_decisions', unit: 'decisions', definition: "decisions the seat's LLM made in the round (0 for other seats)" },
  { name: 'llm_fallbacks', unit: 'decisions', definition: "of those, decisions the LLM's scripted fallback made" },
];
const ROUND_TAIL: readonly ColumnSpec[] = [
  { name: 'payoff', unit: 'points', definition: "the seat's payoff in the round" },
  { name: 'outside', unit: 'points', definition: 'what the seat would get by not taking part in the round; a payoff below it breaks individual rationality' },
  { name: 'seq', unit: 'event number', definition: 'the round_record event that closed the round' },
  { name: 'at_ms', unit: 'ms', definition: 'time the round closed on the match clock (ms since the match started, pauses excluded)' },
];
const RESERVED = new Set([...ROUND_FIXED, ...ROUND_TAIL].map((c) => c.name));

/** The mechanism's fields of a record's participant rows, in order: declared ones first, then the rest as met. */
function roundFieldsOf(read: () => Iterable<LedgerEvent>, mechanism: AnyMechanism | undefined): { scalar: [string, RoundFieldSpec][]; lists: [string, RoundFieldSpec][] } {
  const declared = mechanism?.roundFields ?? {};
  const seen = new Map<string, RoundFieldSpec>();
  for (const [name, spec] of Object.entries(declared)) seen.set(name, spec);
  for (const e of read()) {
    if (e.kind !== ROUND_RECORD) continue;
    for (const r of (e.data as unknown as RoundRecordData).rows ?? []) {
      for (const name in r.fields) if (!seen.has(name)) seen.set(name, { unit: 'as recorded', definition: `the mechanism's field ${name} of the participant-round` });
    }
  }
  const all = [...seen];
  return { scalar: all.filter(([, s]) => s.separator === undefined), lists: all.filter(([, s]) => s.separator !== undefined) };
}

const columnName = (field: string): string => (RESERVED.has(field) ? `field_${field}` : field);

function participantRounds(fields: [string, RoundFieldSpec][], stintsOf: StintsOf): TableSpec {
  return {
    name: 'participant_rounds',
    definition: 'one row per seat and round that closed: who held the seat, the mechanism\'s fields (one value each), the payoff',
    columns: [...ROUND_FIXED, ...fields.map(([name, s]) => ({ name: columnName(name), unit: s.unit, definition: s.definition })), ...ROUND_TAIL],
    reader() {
      // Rounds are settled with the whole match's stints (a person's label may come after the round opened).
      const kept: LedgerEvent[] = [];
      const rounds: { e: LedgerEvent; llm: Map<string, { decisions: number; fallbacks: number }> }[] = [];
      let llm = new Map<string, { decisions: number; fallbacks: number }>();
      return {
        see(e) {
          if (e.kind === 'llm_call' && e.seat) {
            const c = llm.get(e.seat) ?? { decisions: 0, fallbacks: 0 };
            llm.set(e.seat, { decisions: c.decisions + 1, fallbacks: c.fallbacks + (e.data.fallback ? 1 : 0) });
          }
          if (e.kind === ROUND_RECORD) {
            rounds.push({ e, llm });
            llm = new Map();
          }
          if (e.kind === ROUND_RECORD || e.kind === 'match_started' || e.kind === 'participant' || e.kind.startsWith('seat_')) kept.push(e);
          return undefined;
        },
        end() {
          const stints = stintsOf(kept);
          const out: TableRow[] = [];
          for (const { e, llm: counts } of rounds) {
            for (const r of (e.data as unknown as RoundRecordData).rows ?? []) {
              const stint = stints.find((s) => s.seat === r.seat && s.rounds.includes(r.round));
              const c = counts.get(r.seat);
              const row: Record<string, Cell> = {
                round: r.round,
                seat: r.seat,
                role: r.role,
                stint: stint?.index ?? null,
                holder: stint?.kind ?? 'open',
                policy: stint?.policy ?? null,
                nickname: stint?.nickname ?? null,
                label: stint?.label ?? null,
                llm_decisions: c?.decisions ?? 0,
                llm_fallbacks: c?.fallbacks ?? 0,
              };
              for (const [name] of fields) row[columnName(name)] = r.fields[name] ?? null;
              Object.assign(row, { payoff: r.payoff, outside: r.outside, ...eventCells(e) });
              out.push(row);
            }
          }
          return out;
        },
      };
    },
  };
}

function roundLists(lists: [string, RoundFieldSpec][]): TableSpec {
  return {
    name: 'round_lists',
    definition: 'one row per element of a participant-round field that holds a list (a trader\'s unit values, its trade prices, a ranking), in the list\'s order',
    columns: [
      { name: 'round', unit: 'round', definition: 'round (or period), from 1' },
      { name: 'seat', unit: 'seat', definition: 'the seat' },
      { name: 'field', unit: 'field', definition: `which list: ${lists.map(([n, s]) => `${n} (${s.definition}; ${s.unit})`).join('; ')}` },
      { name: 'position', unit: 'position', definition: 'place of the element in the list, from 1' },
      { name: 'value', unit: 'as the field says', definition: 'the element (a number, or a name for rankings)' },
      ...EVENT_COLUMNS.map((c) => (c.name === 'at_ms' ? { ...c, definition: 'time the round closed on the match clock (ms)' } : c)),
    ],
    reader: () => ({
      see(e) {
        if (e.kind !== ROUND_RECORD) return undefined;
        const out: TableRow[] = [];
        for (const r of (e.data as unknown as RoundRecordData).rows ?? []) {
          for (const [name, spec] of lists) {
            const v = r.fields[name];
            if (v === null || v === undefined || v === '') continue;
            String(v)
              .split(spec.separator as string)
              .forEach((x, i) => out.push({ round: r.round, seat: r.seat, field: name, position: i + 1, value: x !== '' && Number.isFinite(Number(x)) ? Number(x) : x, ...eventCells(e) }));
          }
        }
        return out;
      },
    }),
  };
}

function seatHolders(stintsOf: StintsOf): TableSpec {
  return {
    name: 'seat_holders',
    definition: "one row per holder stint: one person's, bot's or nobody's unbroken time on a seat (a reload or a dropped connection that comes back is the same stint)",
    columns: [
      { name: 'seat', unit: 'seat', definition: 'the seat' },
      { name: 'stint', unit: 'stint', definition: 'the stint, numbered from 0 per seat in order' },
      { name: 'holder', unit: 'human, bot or open', definition: 'a person, a bot, or nobody' },
      { name: 'policy', unit: 'policy', definition: "the bot's policy; empty for a person" },
      { name: 'nickname', unit: 'text', definition: 'the nickname the person gave; empty when none' },
      { name: 'label', unit: 'text', definition: 'the participant label the person gave (a student id, a panel id); empty when none' },
      { name: 'from_seq', unit: 'event number', definition: 'the event that began the stint; -1 for a seat nobody held from the start' },
      { name: 'from_at_ms', unit: 'ms', definition: 'match time the stint began' },
      { name: 'to_seq', unit: 'event number', definition: 'the event that ended it; empty while it lasted to the end of the record' },
      { name: 'to_at_ms', unit: 'ms', definition: 'match time it ended; empty while it lasted' },
      { name: 'rounds', unit: 'rounds', definition: 'rounds paid to the stint (it held the seat when they closed)' },
      { name: 'first_round', unit: 'round', definition: 'first of those rounds; empty when none' },
      { name: 'last_round', unit: 'round', definition: 'last of those rounds; empty when none' },
      { name: 'earnings', unit: 'points', definition: "sum of the stint's rounds' payoffs: what this holder earned on the seat" },
    ],
    reader() {
      const kept: LedgerEvent[] = [];
      return {
        see(e) {
          if (e.kind === ROUND_RECORD || e.kind === 'match_started' || e.kind === 'participant' || e.kind.startsWith('seat_')) kept.push(e);
          return undefined;
        },
        end: () =>
          stintsOf(kept).map((s) => ({
            seat: s.seat,
            stint: s.index,
            holder: s.kind,
            policy: s.policy,
            nickname: s.nickname,
            label: s.label,
            from_seq: s.from.seq,
            from_at_ms: s.from.at,
            to_seq: s.to?.seq ?? null,
            to_at_ms: s.to?.at ?? null,
            rounds: s.rounds.length,
            first_round: s.rounds[0] ?? null,
            last_round: s.rounds.at(-1) ?? null,
            earnings: s.earnings,
          })),
      };
    },
  };
}

/**
 * One row per action a seat took (accepted or refused by the engine), with its response
 * time: from the decision's opening (the later of the start of the decision phase and the
 * seat's own previous accepted action in that phase) to the action. The phase is found by
 * replaying the record (a fold), so it needs no extra event.
 */
function decisions(mechanism: AnyMechanism | undefined): TableSpec {
  return {
    name: 'decisions',
    definition: "one row per action a seat sent that reached the engine, accepted or refused, with its response time",
    columns: [
      ...EVENT_COLUMNS,
      { name: 'round', unit: 'round', definition: 'round (or period) under way when the action came, from 1' },
      { name: 'seat', unit: 'seat', definition: 'the seat that acted' },
      { name: 'action', unit: 'action type', definition: "the action's type (bid, placeOrder, contribute, ...)" },
      { name: 'result', unit: 'accepted or a refusal code', definition: 'accepted, or the code the engine refused it with (STALE_STATE, OUT_OF_RANGE, ...)' },
      { name: 'state_id', unit: 'state id', definition: 'the state the seat acted on (the stateId it named)' },
      { name: 'opened_at_ms', unit: 'ms', definition: "match time the decision opened: the later of the decision phase's start and the seat's previous accepted action in that phase" },
      { name: 'response_ms', unit: 'ms', definition: 'at_ms minus opened_at_ms: how long the seat took' },
      {
        name: 'shown_response_ms',
        unit: 'ms',
        definition: "live sessions: the room's own measure, recorded with the action, from when the seat was last shown a change of its legal actions to the action; empty when not recorded (headless episodes, refusals)",
      },
    ],
    reader() {
      let match: Match | null = null;
      let phase = -1;
      let phaseOpened = 0;
      const last = new Map<string, { phase: number; at: number }>();
      const movePhase = (at: number) => {
        if (match && match.state.phaseId !== phase) {
          phase = match.state.phaseId;
          phaseOpened = at;
        }
      };
      return {
        see(e) {
          if (e.kind === 'match_started' && mechanism) {
            try {
              match = new Match(mechanism, e.data as unknown as MatchHeader);
              movePhase(e.at);
            } catch {
              match = null;
            }
            return undefined;
          }
          if (e.kind === 'tick') {
            match?.tick(e.at);
            movePhase(e.at);
            return undefined;
          }
          if ((e.kind !== 'action' && e.kind !== 'rejection') || !e.seat) return undefined;
          const seat = e.seat;
          const action = e.data.action as { type?: unknown } | undefined;
          let opened: number | null = null;
          let round: number | null = null;
          if (match) {
            // An action past the deadline first closes the phase (as the match runner does).
            const deadline = match.state.deadline;
            if (deadline !== null && e.at >= deadline) match.tick(e.at);
            movePhase(e.at);
            round = match.progress().round;
            const mine = last.get(seat);
            opened = mine && mine.phase === phase ? Math.max(phaseOpened, mine.at) : phaseOpened;
            if (e.kind === 'action' || 'action' in e.data) {
              const r = match.submit(seat as SeatId, num(e.data.stateId) ?? -1, e.data.action, e.at);
              if (r.ok) last.set(seat, { phase, at: e.at });
            }
            movePhase(e.at);
          }
          return [
            {
              ...eventCells(e),
              round,
              seat,
              action: text(action?.type) ?? text(e.data.type),
              result: e.kind === 'action' ? 'accepted' : (text(e.data.code) ?? 'refused'),
              state_id: num(e.data.stateId),
              opened_at_ms: opened,
              response_ms: opened === null ? null : e.at - opened,
              shown_response_ms: num(e.data.responseMs),
            },
          ];
        },
      };
    },
  };
}

const CHAT: TableSpec = {
  name: 'chat',
  definition: 'one row per chat message sent',
  columns: [
    ...EVENT_COLUMNS,
    { name: 'round', unit: 'round', definition: 'round (or period) under way when it was sent' },
    { name: 'channel', unit: 'public, private or coalition', definition: 'public: every seat and the projector; private: one other seat; coalition: the members of a coalition' },
    { name: 'sender', unit: 'seat', definition: 'the seat that sent it (or experimenter)' },
    { name: 'to', unit: 'seat', definition: 'private messages: the seat it went to; empty otherwise' },
    { name: 'coalition', unit: 'coalition id', definition: 'coalition messages: the coalition it went to; empty otherwise' },
    { name: 'audience', unit: 'public or seats', definition: 'public: everyone; seats: only the seats named by to or coalition (and the experimenter)' },
    { name: 'recipients', unit: 'seats', definition: 'how many seats received it (the sender included); empty for public messages' },
    { name: 'text', unit: 'text', definition: 'what was written' },
  ],
  reader: () => ({
    see(e) {
      if (e.kind !== 'chat') return undefined;
      const d = e.data;
      return [
        {
          ...eventCells(e),
          round: num(d.round),
          channel: text(d.channel),
          sender: text(d.from) ?? e.seat,
          to: text(d.to),
          coalition: text(d.coalition),
          audience: e.audience === 'public' ? 'public' : 'seats',
          recipients: Array.isArray(e.audience) ? e.audience.length : null,
          text: text(d.text),
        },
      ];
    },
  }),
};

const LLM_CALLS: TableSpec = {
  name: 'llm_calls',
  definition: "one row per decision of an LLM seat (its requests to the model together); the messages and answers themselves are in the LLM transcript",
  columns: [
    ...EVENT_COLUMNS,
    { name: 'seat', unit: 'seat', definition: 'the LLM seat' },
    { name: 'state_id', unit: 'state id', definition: 'the state it decided on' },
    { name: 'model', unit: 'model', definition: 'the model asked' },
    { name: 'requests', unit: 'requests', definition: 'requests sent to the model for this decision (retries and tool rounds included)' },
    { name: 'tool_calls', unit: 'calls', definition: 'tool calls the model made' },
    { name: 'retries', unit: 'retries', definition: 'answers refused and asked again' },
    { name: 'prompt_tokens', unit: 'tokens', definition: 'prompt tokens over the requests' },
    { name: 'completion_tokens', unit: 'tokens', definition: 'completion tokens over the requests' },
    { name: 'cost_usd', unit: 'USD', definition: 'cost of the requests; empty when the model has no known price' },
    { name: 'latency_ms', unit: 'ms', definition: "sum of the requests' latencies (wall-clock time waiting for the model)" },
    { name: 'budget_ms', unit: 'ms', definition: 'time the decision was allowed' },
    { name: 'action', unit: 'action type', definition: 'type of the action decided; empty when none' },
    { name: 'engine_refusal', unit: 'refusal code', definition: 'code the engine refused the decided action with; empty when accepted' },
    { name: 'fallback', unit: 'policy', definition: 'the scripted policy that decided instead of the model; empty when the model decided' },
    { name: 'fallback_reason', unit: 'text', definition: 'why the fallback decided (timeout, budget, refusals...); empty when the model decided' },
  ],
  reader: () => ({
    see(e) {
      if (e.kind !== 'llm_call') return undefined;
      const d = e.data;
      const fallback = d.fallback as { policy?: unknown; reason?: unknown } | null | undefined;
      const count = (v: unknown) => (Array.isArray(v) ? v.length : null);
      return [
        {
          ...eventCells(e),
          seat: e.seat ?? text(d.seat),
          state_id: num(d.stateId),
          model: text(d.model),
          requests: count(d.calls),
          tool_calls: count(d.toolCalls),
          retries: num(d.retries),
          prompt_tokens: num(d.promptTokens),
          completion_tokens: num(d.completionTokens),
          cost_usd: num(d.costUsd),
          latency_ms: num(d.latencyMs),
          budget_ms: num(d.budgetMs),
          action: text((d.action as { type?: unknown } | null | undefined)?.type),
          engine_refusal: text((d.engineRefusal as { code?: unknown } | null | undefined)?.code),
          fallback: text(fallback?.policy),
          fallback_reason: text(fallback?.reason),
        },
      ];
    },
  }),
};

/** The mechanism a record plays, from its first match_started event. */
function mechanismOf(read: () => Iterable<LedgerEvent>): AnyMechanism | undefined {
  for (const e of read()) if (e.kind === 'match_started') return findMechanism(String(e.data.mechanism));
  return undefined;
}

/**
 * Every tidy table of a record: `read` gives the record from its start each time it is
 * called (one match, or a study's episodes one after another); each table reads it once
 * more, so nothing is held whole but one match's seating and round events.
 */
export function recordTables(read: () => Iterable<LedgerEvent>, options: { readonly keys: TableKeys; readonly stints?: StintsOf; readonly rounds?: () => Iterable<LedgerEvent> }): Table[] {
  const mechanism = mechanismOf(read);
  const stintsOf = options.stints ?? recordStints;
  // `rounds`: a quicker read that may skip every event but the round records (which fix the columns).
  const fields = roundFieldsOf(options.rounds ?? read, mechanism);
  const specs: TableSpec[] = [participantRounds(fields.scalar, stintsOf)];
  if (fields.lists.length) specs.push(roundLists(fields.lists));
  specs.push(seatHolders(stintsOf), decisions(mechanism), CHAT, LLM_CALLS, ...(mechanism?.tables ?? []));
  return specs.map((s) => new RecordTable(s, read, options.keys));
}

/** A table as CSV text: the header, then one line per row. */
export function* tableCsv(table: Table): Generator<string> {
  const names = table.columns.map((c) => c.name);
  yield `${csvLine(names)}\n`;
  for (const row of table.rows()) yield `${csvLine(names.map((n) => row[n] ?? null))}\n`;
}

export const DICTIONARY_COLUMNS: readonly ColumnSpec[] = [
  { name: 'file', unit: 'file name', definition: 'the table file' },
  { name: 'column', unit: 'column name', definition: 'the column; empty on the row that says what one row of the file is' },
  { name: 'unit', unit: 'text', definition: 'unit or set of values of the column' },
  { name: 'definition', unit: 'text', definition: 'what the column (or a row of the file) means' },
];

/** The data dictionary: for each table, what one row is, then every column with its unit and meaning. */
export function* dictionaryCsv(tables: readonly Table[]): Generator<string> {
  yield `${csvLine(DICTIONARY_COLUMNS.map((c) => c.name))}\n`;
  for (const t of tables) {
    yield `${csvLine([`${t.name}.csv`, '', 'row', t.definition])}\n`;
    for (const c of t.columns) yield `${csvLine([`${t.name}.csv`, c.name, c.unit, c.definition])}\n`;
  }
}

/** The file names and contents of a tables folder: each table, then dictionary.csv. */
export function* tableFiles(tables: readonly Table[]): Generator<{ readonly name: string; chunks(): Generator<string> }> {
  for (const t of tables) yield { name: `${t.name}.csv`, chunks: () => tableCsv(t) };
  yield { name: 'dictionary.csv', chunks: () => dictionaryCsv(tables) };
}


/**
 * The events of a JSONL record, read synchronously in 1 MB pieces (a results folder's
 * events.jsonl); with `only`, just the lines that contain it (others are not parsed).
 */
export function* jsonlEvents(file: string, only?: string): Generator<LedgerEvent> {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    // The decoder keeps a character whose bytes a piece splits until the next piece completes it.
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
      const lines = (rest + decoder.write(buffer.subarray(0, n))).split('\n');
      rest = lines.pop() ?? '';
      for (const text of lines) if (text.trim() && (only === undefined || text.includes(only))) yield JSON.parse(text) as LedgerEvent;
    }
    rest += decoder.end();
    if (rest.trim() && (only === undefined || rest.includes(only))) yield JSON.parse(rest) as LedgerEvent;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a results folder's tidy tables from its events.jsonl into `dir/tables/` (each
 * table and dictionary.csv); returns their SHA-256 by path (`tables/trades.csv`) for the
 * manifest. Deterministic: the record's times are the simulated clock's.
 */
export function writeStudyTables(dir: string, eventsFile: string): Record<string, string> {
  const folder = join(dir, 'tables');
  mkdirSync(folder, { recursive: true });
  const hashes: Record<string, string> = {};
  const tables = recordTables(() => jsonlEvents(eventsFile), { keys: EPISODE_KEYS, rounds: () => jsonlEvents(eventsFile, `"kind":"${ROUND_RECORD}"`) }) as RecordTable[];
  const names = tables.map((t) => t.columns.map((c) => c.name));
  const files = tables.map((t, i) => {
    const file = new StreamFile(join(folder, `${t.name}.csv`));
    file.write(`${csvLine(names[i] as string[])}\n`);
    return file;
  });
  // One pass over the record for all the tables.
  for (const [i, row] of rowsTogether(tables)) (files[i] as StreamFile).write(`${csvLine((names[i] as string[]).map((n) => row[n] ?? null))}\n`);
  tables.forEach((t, i) => (hashes[`tables/${t.name}.csv`] = (files[i] as StreamFile).close()));
  const dictionary = new StreamFile(join(folder, 'dictionary.csv'));
  for (const chunk of dictionaryCsv(tables)) dictionary.write(chunk);
  hashes['tables/dictionary.csv'] = dictionary.close();
  return hashes;
}
