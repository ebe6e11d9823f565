/**
 * What the results API answers (server/results-api.ts), as the pages read it: the
 * class's debrief, a seat's own results, the experimenter's payment list.
 */
import type { Progress } from '../../../mechanisms/core/types.ts';

export interface MarketPeriod {
  readonly period: number;
  readonly prices: readonly number[];
  readonly quantity: number;
  readonly meanPrice: number | null;
  readonly equilibrium: { readonly quantity: number; readonly priceLow: number | null; readonly priceHigh: number | null } | null;
  readonly efficiency: number | null;
}

export interface RoundSummary {
  readonly round: number;
  readonly participants: number;
  readonly totalPayoff: number | null;
  readonly meanPayoff: number | null;
}

/** GET /api/sessions/:id/results. */
export interface SessionResults {
  readonly session: string;
  readonly title: string;
  readonly mechanism: string;
  readonly status: string;
  readonly unit: 'period' | 'round';
  readonly rounds: readonly RoundSummary[];
  readonly market: { readonly periods: readonly MarketPeriod[]; readonly equilibriumPublic: boolean } | null;
  /** The public view where the record ends (the last period revealed). */
  readonly final: { readonly publicView: unknown; readonly progress: Progress } | null;
  /** Experimenter only. */
  readonly earnings?: readonly { readonly seat: string; readonly role: string; readonly total: number; readonly nickname: string; readonly label: string }[];
}

/** GET /api/sessions/:id/results/mine. */
export interface SeatResults {
  readonly seat: string;
  readonly role: string | null;
  readonly total: number;
  readonly rounds: readonly { readonly round: number; readonly payoff: number }[];
  readonly completion: { readonly code: string; readonly redirect: string | null } | null;
}

export interface PaymentRow {
  readonly seat: string;
  readonly role: string;
  readonly nickname: string;
  readonly label: string;
  /** PROLIFIC_PID when the person came with one. */
  readonly panelId: string;
  /** 'human', or 'bot (policy)'. */
  readonly holder: string;
  readonly points: number;
  readonly earnings: number;
  readonly showUpFee: number;
  readonly total: number;
}

/** GET /api/sessions/:id/payments. */
export interface Payments {
  readonly session: string;
  readonly status: string;
  readonly rate: number;
  readonly showUpFee: number;
  readonly currency: string;
  readonly rows: readonly PaymentRow[];
}

export const debriefHref = (session: string): string => `/debrief/${encodeURIComponent(session)}`;
export const paymentsHref = (session: string): string => `/payments/${encodeURIComponent(session)}`;
