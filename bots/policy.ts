/**
 * A policy sees what a seat sees and nothing else (DESIGN §7): its view, what is
 * legal now, and the view as text. It never reads engine state.
 */
import type { z } from 'zod';
import type { AnyMechanism, Legal, SeatId } from '../mechanisms/core/types.ts';
import type { Rng } from '../mechanisms/core/random.ts';
import type { ChatMessage, CoalitionMessage } from '../rooms/protocol.ts';

export interface Observation<V = unknown> {
  /** Mechanism id (without version), e.g. 'first-price'. */
  readonly mechanism: string;
  readonly seat: SeatId;
  readonly stateId: number;
  readonly view: V;
  readonly legal: Legal;
  /** describe(view); computed on first read. */
  readonly text: string;
  /** The seat's clock, in the same milliseconds the engine gets. */
  readonly now: number;
  /** When the current phase closes, on the same clock as `now`; null when no deadline is set. */
  readonly deadline?: number | null;
  /** What reached the seat since it last decided (chat, coalition news, engine events); live arenas only. */
  readonly inbox?: readonly InboxItem[];
}

/** A message a seat received, as plain JSON. */
export interface InboxItem {
  readonly kind: 'chat' | 'coalition' | 'events' | 'rejected';
  readonly data: unknown;
}

/** An observation whose text is made from the view only when a policy reads it (most never do). */
export class SeatObservation<V = unknown> implements Observation<V> {
  readonly mechanism: string;
  readonly seat: SeatId;
  readonly stateId: number;
  readonly view: V;
  readonly legal: Legal;
  readonly now: number;
  readonly #describe: ((view: V) => string) | undefined;
  #text: string | undefined;

  readonly deadline: number | null;
  readonly inbox: readonly InboxItem[] | undefined;

  constructor(mechanism: string, seat: SeatId, stateId: number, view: V, legal: Legal, now: number, describe?: (view: V) => string, deadline: number | null = null, inbox?: readonly InboxItem[]) {
    this.mechanism = mechanism;
    this.seat = seat;
    this.stateId = stateId;
    this.view = view;
    this.legal = legal;
    this.now = now;
    this.#describe = describe;
    this.deadline = deadline;
    this.inbox = inbox;
  }

  get text(): string {
    this.#text ??= this.#describe ? this.#describe(this.view) : JSON.stringify(this.view);
    return this.#text;
  }
}

export type Action = { readonly type: string } & Readonly<Record<string, unknown>>;

export interface Decision {
  readonly action: Action;
  /** Optional remark kept in the record (why the policy did what it did). */
  readonly note?: string;
  /** Chat to send with the action (live arenas deliver it through the room; headless runs keep it in the policy's record only). */
  readonly chat?: readonly ChatMessage[];
  /** Coalition moves to make with the action (invite, accept, leave...), same delivery as chat. */
  readonly coalition?: readonly CoalitionMessage[];
}

/** What the policy's seat got from the transitions since it last heard: its reward (the sum of its rewards is its payoff). */
export interface Feedback {
  readonly reward: number;
  /** The seat's clock when it was told. */
  readonly now: number;
}

/**
 * Hooks both kinds of policy may have. A policy lives for a whole run: every episode of a
 * treatment in a study, or a whole live session; a learner keeps what it learned from one
 * episode to the next. Stateless policies need none of the hooks.
 */
interface PolicyHooks {
  readonly name: string;
  /** The engine or the room refused the policy's last action: the next decision may take it into account. */
  rejected?(rejection: { readonly code: string; readonly message: string }): void;
  /** The seat earned something (told after the transition, before the seat decides again). */
  observe?(feedback: Feedback): void;
  /** A new episode begins (headless runs), with its seed. */
  startEpisode?(episode: { readonly index: number; readonly seed: number }): void;
  /** The episode ended with this payoff for the seat. */
  endEpisode?(result: { readonly payoff: number }): void;
  /** A learner that has settled (its greedy action no longer changes): a run may end the episode once every learner has. */
  converged?(): boolean;
  /** A copy of the policy as it is now, to play a counterfactual from here without changing this one (a learner's copy is greedy and frozen). */
  fork?(): AnyPolicy;
  /** Releases what the policy holds (timers, open requests); called when its seat is done. */
  dispose?(): void;
}

/** Decides for one seat at once; null means "do nothing now". Scripted policies are of this kind. */
export interface Policy<V = unknown> extends PolicyHooks {
  decide(obs: Observation<V>, rng: Rng): Decision | null;
}

/**
 * Decides for one seat after waiting on something outside (an LLM endpoint). Harnesses await
 * only these, so scripted play keeps its synchronous speed; the promise must settle before
 * the observation's deadline (the policy answers with its fallback otherwise).
 */
export interface AsyncPolicy<V = unknown> extends PolicyHooks {
  decide(obs: Observation<V>, rng: Rng): Promise<Decision | null>;
}

export type AnyPolicy<V = unknown> = Policy<V> | AsyncPolicy<V>;

/** What a policy may know about where it sits, beyond its params: nothing another seat keeps private. */
export interface SeatContext {
  readonly mechanism: AnyMechanism;
  /** The match's parsed config (public: every seat is told the rules). */
  readonly config: unknown;
  readonly seat: SeatId;
  readonly seats: number;
  /**
   * When the seat plays for a named principal (sybil identities): the seats of that principal,
   * this one included. Only who they are; each seat still sees its own view alone, and the
   * principal's payoff is the sum of theirs.
   */
  readonly principalSeats?: readonly SeatId[];
  /** Writes one record of the policy's own into the ledger (experimenter audience), e.g. an LLM call. */
  readonly record?: (entry: { readonly kind: string; readonly at: number; readonly data: Readonly<Record<string, unknown>> }) => void;
  /** Services shared by the seats of a study or session (the LLM runtime); each policy kind checks what it gets. */
  readonly services?: unknown;
}

/** Makes policies of one kind from validated parameters. */
export interface PolicyFactory<P = unknown, T extends AnyPolicy = Policy> {
  readonly name: string;
  readonly description: string;
  /** Recorded in the record's population; bump it when the policy's behaviour changes. */
  readonly version?: number;
  /**
   * '*': plays any mechanism whose legal() it can read (random, LLM, learners). Otherwise
   * a scripted policy for particular mechanisms, which name it in their `policies`.
   */
  readonly mechanisms?: '*';
  /**
   * 'run' (default): one policy per seat for every episode of a treatment. 'episode': a
   * fresh one per episode (an LLM seat starts each episode with a new conversation).
   */
  readonly lifetime?: 'run' | 'episode';
  /**
   * True when a policy takes something from one episode into the next (a learner's values):
   * a treatment with such a seat plays its episodes in order in one job. Without it, what a
   * policy does in an episode depends on that episode alone (its params, seed and views), and
   * a grid may split a treatment's episodes into chunks played apart (studies/grid.ts).
   */
  readonly carriesOver?: boolean;
  /**
   * True when its actions are built from legal() on the state it was shown, so the match
   * runner may skip re-checking them (the lean path, Match.submitTrusted).
   */
  readonly trusted?: boolean;
  readonly paramsSchema: z.ZodType<P>;
  /** True when its policies decide asynchronously (the runner then plays episodes with awaits). */
  readonly asynchronous?: boolean;
  create(params: P, context?: SeatContext): T;
}

/** A decision that is still on its way. */
export const isPending = (d: Decision | null | Promise<Decision | null>): d is Promise<Decision | null> => d !== null && typeof (d as Promise<unknown>).then === 'function';

export const decision = (action: Action, note?: string): Decision => (note === undefined ? { action } : { action, note });
