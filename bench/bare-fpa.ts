/**
 * The baseline the match runner is measured against: a minimal hand-written
 * first-price auction loop with the same draws (pure-rand, one stream per bidder),
 * the same equilibrium bids and the same allocation, and nothing else.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { deriveSeed } from '../mechanisms/core/random.ts';

export function bareFirstPrice(episodes: number, bidders: number, seed: number): number {
  let revenue = 0;
  const shade = (bidders - 1) / bidders;
  for (let e = 0; e < episodes; e++) {
    const episodeSeed = deriveSeed(seed, e);
    let best = -1;
    let winnerValue = 0;
    for (let i = 0; i < bidders; i++) {
      const value = 100 * uniformFloat64(xoroshiro128plus(deriveSeed(episodeSeed, i + 1)));
      const bid = value * shade;
      if (bid > best) {
        best = bid;
        winnerValue = value;
      }
    }
    revenue += best + 0 * winnerValue;
  }
  return revenue;
}
