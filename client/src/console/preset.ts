/**
 * A session preset for the console: a sensible config and a seat plan of humans and bots
 * for one mechanism. Each mechanism's folder has its own (`ui/preset.ts`, default export a
 * MechanismPreset); the console lists them from the client registry (presets.ts). The
 * experimenter can edit the resulting spec as JSON before creating it; the server
 * validates it either way.
 */

/** A ready-made economy for the form (a value and cost schedule, a parameter set), applied over the preset's config. */
export interface EconomicsPreset {
  readonly label: string;
  /** One plain sentence: what it is and what its benchmark is. */
  readonly description: string;
  /** The config fields it sets, for this many seats (a drawn market sizes its sides by them). */
  readonly config: (seats: number) => Record<string, unknown>;
}

/** A demand and supply step picture of a config, with its competitive equilibrium. */
export interface SchedulePreview {
  /** Unit values, highest first, and unit costs, lowest first. */
  readonly demand: readonly number[];
  readonly supply: readonly number[];
  readonly quantity: number;
  readonly priceLow: number | null;
  readonly priceHigh: number | null;
  readonly surplus: number;
}

/** What a mechanism's `ui/preset.ts` exports. */
export interface MechanismPreset {
  /** The name in the console's list, and the session's default title. */
  readonly label: string;
  /** Place in the console's list, smaller first (then by label); the first is preselected. */
  readonly order?: number;
  readonly defaults: { readonly humans: number; readonly bots: number; readonly botPolicy: string; readonly rounds: number; readonly roundSeconds: number };
  /** What a round is called here ('period' in a market). */
  readonly roundWord: 'round' | 'period';
  /** The mechanism's config for this many seats, rounds and milliseconds per round. */
  readonly config: (seats: number, rounds: number, roundMs: number) => Record<string, unknown>;
  /** Roles of seats in order, when the mechanism has them (the config when the form has one: its schedules fix the sides). */
  readonly roles?: (humans: number, bots: number, config?: Readonly<Record<string, unknown>>) => { humans: readonly string[]; bots: readonly string[] };
  /** Ready-made economies for the form (Smith's symmetric schedule...). */
  readonly economics?: readonly EconomicsPreset[];
  /** Seats a config fixes (given schedules bring their traders), else null. */
  readonly seatsOf?: (config: Readonly<Record<string, unknown>>) => number | null;
  /** The step picture of a config whose schedules are given, else null (drawn ones are known only once drawn). */
  readonly preview?: (config: Readonly<Record<string, unknown>>) => SchedulePreview | null;
}

/** A preset with the mechanism it belongs to (the folder it came from). */
export interface Preset extends MechanismPreset {
  readonly mechanism: string;
}

/** The console form's fields. */
export interface PresetChoice {
  /** The mechanism id of the preset. */
  readonly preset: string;
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
  /** Listed on the public arena page; sessions are private otherwise. */
  readonly public: boolean;
}

export function defaultChoice(p: Preset): PresetChoice {
  return { preset: p.mechanism, title: p.label, ...p.defaults, dropout: 'replace', graceSeconds: 30, autoStart: false, public: false };
}

/** The preset's config for the form's seats, rounds and round length, with the fields the form set over it. */
export function configOf(p: Preset, choice: PresetChoice, overrides: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return { ...p.config(choice.humans + choice.bots, choice.rounds, choice.roundSeconds * 1000), ...overrides };
}

/** The session spec the server's POST /api/sessions takes; `overrides` are config fields set in the form. */
export function specOf(p: Preset, choice: PresetChoice, overrides: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const seats: Record<string, unknown>[] = [];
  const config = configOf(p, choice, overrides);
  const roles = p.roles?.(choice.humans, choice.bots, Object.keys(overrides).length ? config : undefined);
  for (let i = 0; i < choice.humans; i++) seats.push({ kind: 'human', ...(roles ? { role: roles.humans[i] } : {}) });
  for (let i = 0; i < choice.bots; i++) seats.push({ kind: 'bot', policy: choice.botPolicy, ...(roles ? { role: roles.bots[i] } : {}) });
  return {
    title: choice.title,
    mechanism: p.mechanism,
    config,
    seats: compact(seats),
    dropout: { policy: choice.dropout, graceSeconds: choice.graceSeconds, bot: p.defaults.botPolicy },
    autoStart: choice.autoStart,
    public: choice.public,
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

/** Presets in the console's order. */
export function ordered(byMechanism: Readonly<Record<string, MechanismPreset>>): Preset[] {
  return Object.entries(byMechanism)
    .map(([mechanism, p]) => ({ ...p, mechanism }))
    .sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity) || a.label.localeCompare(b.label));
}
