/** Every mechanism the system knows, by id and by id@version. */
import type { AnyMechanism } from './core/types.ts';
import { mechanismKey } from './core/types.ts';
import { firstPrice } from './first-price/index.ts';
import { secondPrice } from './second-price/index.ts';
import { publicGoods } from './public-goods/index.ts';
import { doubleAuction } from './double-auction/index.ts';

export const MECHANISMS: readonly AnyMechanism[] = [firstPrice, secondPrice, publicGoods, doubleAuction];

const byKey = new Map<string, AnyMechanism>();
for (const m of MECHANISMS) {
  byKey.set(mechanismKey(m), m);
  const latest = byKey.get(m.id);
  if (!latest || latest.version < m.version) byKey.set(m.id, m);
}

/** Finds a mechanism by `id` (latest version) or `id@version`. */
export function findMechanism(ref: string): AnyMechanism | undefined {
  return byKey.get(ref);
}

export function mechanismRefs(): string[] {
  return MECHANISMS.map(mechanismKey);
}
