/** Every policy, by name: the scripted baselines and the LLM seat. */
import type { AnyPolicy, PolicyFactory } from './policy.ts';
import { llmPolicy } from './llm/index.ts';
import { bidRotation, equilibriumShader, fixedShader, truthful } from './scripted/auction.ts';
import { conditionalCooperator, freeRider, fullContributor, punisher } from './scripted/public-goods.ts';
import { randomLegal } from './scripted/random.ts';
import { MATRIX_GAME_POLICIES } from './scripted/matrix-game.ts';
import { CLOCK_AUCTION_POLICIES } from './scripted/clock-auctions.ts';
import { PREDICTION_MARKET_POLICIES } from './scripted/prediction-market.ts';
import { MATCHING_POLICIES } from './scripted/matching.ts';
import { POSTED_PRICE_POLICIES } from './scripted/posted-price.ts';
import { REPORTING_AUDIT_POLICIES } from './scripted/reporting-audit.ts';
import { SCORING_RULE_POLICIES } from './scripted/scoring-rule.ts';
import { VCG_POLICIES } from './scripted/vcg.ts';
import { REPUTATION_POLICIES } from './scripted/reputation.ts';
import { benchmarkPlayer } from './scripted/benchmark.ts';
import { ziC, ziU } from './scripted/zi.ts';
import { qLearning } from './learning/q-learning.ts';
import { exp3 } from './learning/exp3.ts';

export const SCRIPTED_POLICIES: readonly PolicyFactory<never>[] = [truthful, equilibriumShader, fixedShader, bidRotation, randomLegal, freeRider, fullContributor, conditionalCooperator, punisher, ziU, ziC, benchmarkPlayer, ...MATRIX_GAME_POLICIES, ...CLOCK_AUCTION_POLICIES, ...PREDICTION_MARKET_POLICIES, ...MATCHING_POLICIES, ...POSTED_PRICE_POLICIES, ...REPORTING_AUDIT_POLICIES, ...SCORING_RULE_POLICIES, ...VCG_POLICIES, ...REPUTATION_POLICIES] as PolicyFactory<never>[];

const findScripted = (name: string) => SCRIPTED_POLICIES.find((p) => p.name === name) as PolicyFactory<unknown> | undefined;

/** Learners: generic, they play any mechanism whose legal() is finite or discretised. */
export const LEARNING_POLICIES: readonly PolicyFactory<never, AnyPolicy>[] = [qLearning, exp3] as unknown as PolicyFactory<never, AnyPolicy>[];

export const POLICIES: readonly PolicyFactory<never, AnyPolicy>[] = [...SCRIPTED_POLICIES, ...LEARNING_POLICIES, llmPolicy(findScripted) as PolicyFactory<never, AnyPolicy>];

export function findPolicy(name: string): PolicyFactory<unknown, AnyPolicy> | undefined {
  return POLICIES.find((p) => p.name === name) as PolicyFactory<unknown, AnyPolicy> | undefined;
}

/** Whether a policy plays a mechanism: a generic one plays any, a scripted one those that name it. */
export function policySupports(policy: PolicyFactory<unknown, AnyPolicy>, mechanism: { readonly policies: readonly string[] }): boolean {
  return policy.mechanisms === '*' || mechanism.policies.includes(policy.name);
}

/** The mechanism ids a policy plays, for listings ('*' for any). */
export function playedBy(policy: PolicyFactory<unknown, AnyPolicy>, mechanisms: readonly { readonly id: string; readonly policies: readonly string[] }[]): readonly string[] | '*' {
  return policy.mechanisms === '*' ? '*' : mechanisms.filter((m) => m.policies.includes(policy.name)).map((m) => m.id);
}
