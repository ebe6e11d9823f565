/**
 * Session presets for the console: a mechanism, a sensible config and a seat plan of
 * humans and bots. The experimenter can edit the resulting spec as JSON before creating
 * it; the server validates it either way.
 */

export interface PresetChoice {
  readonly preset: PresetId;
  readonly title: string;
  readonly humans: number;
  readonly bots: number;
  readonly botPolicy: string;
  /** Rounds (periods of a market) and their length in seconds. */
  readonly rounds: number;
  readonly roundSeconds: number;
  readonly dropout: 'wait' | 'replace';
  readonly graceSeconds: number;
  readonly autoStart: boolean;
}

export type PresetId = 'double-auction' | 'first-price' | 'second-price' | 'public-goods';

interface Preset {
  readonly label: string;
  readonly mechanism: PresetId;
  readonly defaults: { humans: number; bots: number; botPolicy: string; rounds: number; roundSeconds: number };
  /** What a round is called here ('period' in a market). */
  readonly roundWord: string;
  readonly config: (seats: number, rounds: number, roundMs: number) => Record<string, unknown>;
  /** Roles of seats in order, when the mechanism has them. */
  readonly roles?: (humans: number, bots: number) => { humans: readonly string[]; bots: readonly string[] };
}

const half = (n: number) => Math.ceil(n / 2);

/** First- and second-price auctions differ here only in name and in the bots' usual policy. */
function sealedBid(label: string, mechanism: PresetId, botPolicy: string): Preset {
  return {
    label,
    mechanism,
    defaults: { humans: 1, bots: 3, botPolicy, rounds: 10, roundSeconds: 30 },
    roundWord: 'round',
    config: (_seats, rounds, roundMs) => ({ rounds, roundMs, values: { kind: 'uniformInt', low: 0, high: 100 }, bidStep: 1, reveal: 'allBids', communication: { channels: [] } }),
  };
}

export const PRESETS: Readonly<Record<PresetId, Preset>> = {
  'double-auction': {
    label: 'Classroom market (continuous double auction)',
    mechanism: 'double-auction',
    defaults: { humans: 2, bots: 4, botPolicy: 'zi-c', rounds: 3, roundSeconds: 120 },
    roundWord: 'period',
    config: (seats, rounds, roundMs) => ({
      buyers: half(seats),
      sellers: seats - half(seats),
      unitsPerTrader: 3,
      values: { kind: 'uniformInt', low: 60, high: 160 },
      costs: { kind: 'uniformInt', low: 40, high: 140 },
      periods: rounds,
      periodMs: roundMs,
      maxPrice: 200,
      revealSchedules: 'afterPeriod',
      communication: { channels: ['public'] },
    }),
    // Humans alternate buyer and seller; bots fill each side up to half the seats.
    roles: (humans, bots) => {
      const seats = humans + bots;
      const h = Array.from({ length: humans }, (_, i) => (i % 2 === 0 ? 'buyer' : 'seller'));
      let buyersLeft = half(seats) - h.filter((r) => r === 'buyer').length;
      const b = Array.from({ length: bots }, () => (buyersLeft-- > 0 ? 'buyer' : 'seller'));
      return { humans: h, bots: b };
    },
  },
  'first-price': sealedBid('First-price sealed-bid auction', 'first-price', 'equilibrium'),
  'second-price': sealedBid('Second-price sealed-bid auction', 'second-price', 'truthful'),
  'public-goods': {
    label: 'Public goods game',
    mechanism: 'public-goods',
    defaults: { humans: 2, bots: 2, botPolicy: 'conditional-cooperator', rounds: 10, roundSeconds: 45 },
    roundWord: 'round',
    config: (_seats, rounds, roundMs) => ({ rounds, roundMs, endowment: 20, mpcr: 0.5, reveal: 'individual', communication: { channels: ['public', 'private', 'coalition'] } }),
  },
};

export function defaultChoice(preset: PresetId): PresetChoice {
  const p = PRESETS[preset];
  return { preset, title: p.label, ...p.defaults, dropout: 'replace', graceSeconds: 30, autoStart: false };
}

/** The session spec the server's POST /api/sessions takes. */
export function specOf(choice: PresetChoice): Record<string, unknown> {
  const p = PRESETS[choice.preset];
  const seats: Record<string, unknown>[] = [];
  const roles = p.roles?.(choice.humans, choice.bots);
  for (let i = 0; i < choice.humans; i++) seats.push({ kind: 'human', ...(roles ? { role: roles.humans[i] } : {}) });
  for (let i = 0; i < choice.bots; i++) seats.push({ kind: 'bot', policy: choice.botPolicy, ...(roles ? { role: roles.bots[i] } : {}) });
  return {
    title: choice.title,
    mechanism: p.mechanism,
    config: p.config(choice.humans + choice.bots, choice.rounds, choice.roundSeconds * 1000),
    seats: compact(seats),
    dropout: { policy: choice.dropout, graceSeconds: choice.graceSeconds, bot: PRESETS[choice.preset].defaults.botPolicy },
    autoStart: choice.autoStart,
  };
}

/** Runs of identical seat entries become one entry with a count. */
function compact(seats: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const s of seats) {
    const last = out.at(-1);
    const { count: _count, ...lastBody } = last ?? {};
    if (last && JSON.stringify(lastBody) === JSON.stringify(s)) last.count = ((last.count as number | undefined) ?? 1) + 1;
    else out.push({ ...s });
  }
  return out;
}
