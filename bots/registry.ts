/** Every scripted policy, by name. */
import type { PolicyFactory } from './policy.ts';
import { equilibriumShader, fixedShader, truthful } from './scripted/auction.ts';
import { conditionalCooperator, freeRider, fullContributor, punisher } from './scripted/public-goods.ts';
import { randomLegal } from './scripted/random.ts';
import { ziC, ziU } from './scripted/zi.ts';

export const POLICIES: readonly PolicyFactory<never>[] = [truthful, equilibriumShader, fixedShader, randomLegal, freeRider, fullContributor, conditionalCooperator, punisher, ziU, ziC] as PolicyFactory<never>[];

export function findPolicy(name: string): PolicyFactory<unknown> | undefined {
  return POLICIES.find((p) => p.name === name) as PolicyFactory<unknown> | undefined;
}

export function policySupports(policy: PolicyFactory<unknown>, mechanismId: string): boolean {
  return policy.mechanisms === '*' || policy.mechanisms.includes(mechanismId);
}
