/**
 * What a seat may do now, the single source for validation, controls, bot action spaces
 * and LLM output schemas: contribute on the grid up to its endowment, or assign points
 * to the other seats within the per-target, total and affordability caps.
 */
import type { Legal, SeatId } from '../core/types.ts';
import { isDrawn, type PublicGoodsConfig } from './config.ts';
import { earningsThisRound, floorToGrid } from './payoffs.ts';
import type { PublicGoodsState } from './reports.ts';
import { othersOf, seatIndex } from './seats.ts';
import { num } from './describe.ts';

const contributeLegalCache = new WeakMap<PublicGoodsConfig, Legal>();

function contributeLegal(config: PublicGoodsConfig, endowment: number): Legal {
  const common = !isDrawn(config.endowment);
  if (common) {
    const cached = contributeLegalCache.get(config);
    if (cached) return cached;
  }
  const step = config.contributionStep;
  const legal: Legal = [
    {
      type: 'contribute',
      params: { amount: { kind: 'number', min: 0, max: floorToGrid(endowment, step), ...(step > 0 ? { step } : {}) } },
      hint: `your endowment is ${num(endowment)}; each point you contribute pays ${config.mpcr} to every player`,
    },
  ];
  if (common) contributeLegalCache.set(config, legal);
  return legal;
}

function punishLegal(state: PublicGoodsState, i: number): Legal {
  const p = state.config.punishment;
  if (!p) return [];
  const earnings = earningsThisRound(state, i);
  const perTarget = floorToGrid(p.maxPointsPerTarget, p.pointStep);
  const others = othersOf(state.seats, i);
  let total = perTarget * others.length;
  if (p.maxPointsTotal !== null) total = Math.min(total, p.maxPointsTotal);
  // Spending is capped at this round's earnings, so punishing can never cost more than you have.
  if (p.costPerPoint > 0) total = Math.min(total, Math.max(0, earnings / p.costPerPoint));
  total = floorToGrid(total, p.pointStep);
  return [
    {
      type: 'punish',
      params: { points: { kind: 'allocation', keys: others, min: 0, max: perTarget, ...(p.pointStep > 0 ? { step: p.pointStep } : {}), total } },
      hint: `you earned ${earnings} this round; each point you assign costs you ${p.costPerPoint} and takes ${p.effectPerPoint} from its target; {} punishes nobody`,
    },
  ];
}

/** The actions open to `seat` now: none once it has submitted in the open stage. */
export function legalActions(state: PublicGoodsState, seat: SeatId): Legal {
  if (state.over) return [];
  const i = seatIndex(state.seats, seat);
  if (i < 0) return [];
  if (state.stage === 'contribute') return state.contributions[i] === null ? contributeLegal(state.config, state.endowments[i] as number) : [];
  return state.punishments?.[i] === null ? punishLegal(state, i) : [];
}
