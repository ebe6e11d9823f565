/** Rules text shared by the sealed-bid auctions; each auction adds its price rule. */
import { support } from '../core/policy.ts';
import type { SealedBidConfig } from './auction.ts';

const REVEAL_TEXT: Record<SealedBidConfig['reveal'], string> = {
  nothing: 'After each round you learn only your own result.',
  winner: 'After each round everyone learns who won (not the price).',
  winningPrice: 'After each round everyone learns the price paid (not who paid it).',
  allBids: 'After each round everyone sees every bid, the winner and the price.',
};

function valuesText(c: SealedBidConfig): string {
  const { low, high } = support(c.values);
  const how = c.values.kind === 'discrete' ? `drawn at random from ${c.values.values.join(', ')}` : `drawn independently and uniformly between ${low} and ${high}`;
  return `Each bidder has a private value for the item, ${how}. Only you know your value. ${c.freshValues ? 'Values are drawn afresh every round.' : 'Your value stays the same in every round.'}`;
}

export function sealedBidRules(c: SealedBidConfig, priceRule: string): string {
  return [
    `One item is sold in each of ${c.rounds} round${c.rounds === 1 ? '' : 's'}.`,
    valuesText(c),
    `Each bidder submits one sealed bid per round${c.bidStep > 0 ? ` in steps of ${c.bidStep}` : ''}, up to ${c.maxBid ?? Math.max(support(c.values).high, c.reserve)}. Nobody sees the others' bids while bidding.`,
    c.reserve > 0 ? `Bids below the reserve price of ${c.reserve} cannot win.` : 'There is no reserve price.',
    `The highest bid wins. ${priceRule}`,
    c.tieBreak === 'random' ? 'Ties are broken at random.' : 'Ties go to the lowest-numbered seat.',
    'The winner earns their value minus the price; everyone else earns 0 for the round.',
    c.roundMs === null ? 'A round closes once everyone has bid.' : `A round closes once everyone has bid or after ${c.roundMs / 1000} seconds; a bidder who has not bid by then does not take part in that round.`,
    REVEAL_TEXT[c.reveal],
  ].join('\n');
}
