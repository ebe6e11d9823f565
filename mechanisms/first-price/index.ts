/**
 * first-price@1 — sealed-bid first-price auction.
 *
 * Rules: n bidders each hold a private value for one item per round (drawn from the
 * configured distribution, fresh each round or fixed for the match). Each submits one
 * sealed bid between 0 and maxBid. The highest bid at or above the reserve wins and
 * pays its own bid; ties are broken at random or to the lowest seat. Payoff: value
 * minus price for the winner, 0 for the rest. A round closes when every bidder has bid,
 * or at its deadline (roundMs). After a round, everyone learns what `reveal` says:
 * nothing, the winner, the winning price, or all bids; each bidder always sees their own result.
 *
 * Seats see: their own value, own bid, the count of bids in, and revealed results.
 * Spectators see: the count of bids in and revealed results, never a value.
 */
import { sealedBidAuction } from '../sealed-bid/auction.ts';
import { sealedBidRules } from '../sealed-bid/rules.ts';

export const firstPrice = sealedBidAuction({
  id: 'first-price',
  title: 'First-price sealed-bid auction',
  price: 'first',
  rules: (c) => sealedBidRules(c, 'The winner pays their own bid.'),
});

export default firstPrice;
