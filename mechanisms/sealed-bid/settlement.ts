/** How a sealed-bid auction's recorded config settles its rounds, for the auctions' probes (core/probe.ts). */
import type { SealedBidSettlement } from '../core/probe.ts';
import type { SealedBidConfig } from './auction.ts';

/** The settlement of a config as recorded (parsed, so every field is there; the schema's defaults otherwise). */
export const settlementOf =
  (price: SealedBidSettlement['price']) =>
  (config: unknown): SealedBidSettlement => {
    const c = (config ?? {}) as Partial<Pick<SealedBidConfig, 'reserve' | 'tieBreak' | 'maxBid'>>;
    return { price, reserve: c.reserve ?? 0, tieBreak: c.tieBreak ?? 'random', maxBid: c.maxBid ?? null };
  };
