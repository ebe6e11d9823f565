/**
 * A seat's submission in the open stage: a contribution, or its punishment points.
 * legal() has already checked the amounts; what is left to check here is the stage and
 * that the seat has not submitted yet. The last seat in closes the stage at once.
 */
import type { ApplyResult, MechEvent, SeatId } from '../core/types.ts';
import type { PublicGoodsState } from './reports.ts';
import { seatIndex } from './seats.ts';
import { closeContributions, closeRound, type Transition } from './stages.ts';

/** Takes a submission into the state; `submitted` counts the seats in, this one included. */
function accept(placed: PublicGoodsState, submitted: number, events: MechEvent[], close: (state: PublicGoodsState, at: number) => Transition, at: number): ApplyResult<PublicGoodsState> {
  if (submitted < placed.seats.length) return { ok: true, state: { ...placed, stateId: placed.stateId + 1 }, events };
  const closed = close(placed, at);
  return { ok: true, state: closed.state, events: [...events, ...closed.events], ...(closed.rewards ? { rewards: closed.rewards } : {}) };
}

export function contribute(state: PublicGoodsState, seat: SeatId, amount: number, at: number): ApplyResult<PublicGoodsState> {
  const i = seatIndex(state.seats, seat);
  if (state.stage !== 'contribute') return { ok: false, code: 'NOT_ALLOWED', message: 'contributions are closed for this round' };
  if (state.contributions[i] !== null) return { ok: false, code: 'NOT_YOUR_TURN', message: 'you have contributed this round' };
  const contributions = state.contributions.slice();
  contributions[i] = amount + 0;
  const placed: PublicGoodsState = { ...state, contributions, contributionsIn: state.contributionsIn + 1 };
  const events: MechEvent[] = [
    { kind: 'contributed', audience: [seat], data: { round: state.round, amount: amount + 0 } },
    { kind: 'contribution_count', audience: 'public', data: { round: state.round, contributionsIn: placed.contributionsIn } },
  ];
  return accept(placed, placed.contributionsIn, events, closeContributions, at);
}

export function punish(state: PublicGoodsState, seat: SeatId, assigned: Readonly<Record<string, number>>, at: number): ApplyResult<PublicGoodsState> {
  const i = seatIndex(state.seats, seat);
  if (state.stage !== 'punish' || !state.punishments) return { ok: false, code: 'NOT_ALLOWED', message: 'there is no punishment stage open now' };
  if (state.punishments[i] !== null) return { ok: false, code: 'NOT_YOUR_TURN', message: 'you have submitted your punishment this round' };
  // Keep only positive points (legal() has checked every key is another seat).
  const points: Record<SeatId, number> = {};
  for (const target in assigned) {
    const amount = assigned[target] as number;
    if (amount > 0) points[target as SeatId] = amount;
  }
  const punishments = state.punishments.slice();
  punishments[i] = points;
  const placed: PublicGoodsState = { ...state, punishments, punishmentsIn: state.punishmentsIn + 1 };
  const events: MechEvent[] = [
    { kind: 'punished', audience: [seat], data: { round: state.round, points } },
    { kind: 'punishment_count', audience: 'public', data: { round: state.round, punishmentsIn: placed.punishmentsIn } },
  ];
  return accept(placed, placed.punishmentsIn, events, closeRound, at);
}
