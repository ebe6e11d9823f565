/**
 * second-price@1 — sealed-bid second-price (Vickrey) auction.
 *
 * Rules: as first-price (values, rounds, reserve, ties, deadlines, information policy),
 * except that the winner pays the larger of the second-highest eligible bid and the
 * reserve; a lone eligible bidder pays the reserve. Bidding one's value is a weakly
 * dominant strategy.
 *
 * Seats see: their own value, own bid, the count of bids in, and revealed results.
 * Spectators see: the count of bids in and revealed results, never a value.
 */
import { sealedBidAuction } from '../sealed-bid/auction.ts';
import { sealedBidRules } from '../sealed-bid/rules.ts';

export const secondPrice = sealedBidAuction({
  id: 'second-price',
  title: 'Second-price sealed-bid auction',
  price: 'second',
  rules: (c) => sealedBidRules(c, 'The winner pays the second-highest bid (or the reserve, if that is higher or if nobody else bid at or above it).'),
});

export default secondPrice;
