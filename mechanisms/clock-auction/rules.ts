/** The clock auctions' rules in plain words, for humans and LLMs. */
import { support } from '../core/policy.ts';
import { dutchStartOf, floorOf, maxPriceOf, openingOf, type DutchConfig, type EnglishConfig } from './config.ts';
import type { ItemConfig } from './items.ts';

const seconds = (ms: number): string => `${Math.round(ms) / 1000} second${ms === 1000 ? '' : 's'}`;

function itemsText(c: ItemConfig): string[] {
  const { low, high } = support(c.values);
  const how = c.values.kind === 'discrete' ? `drawn at random from ${c.values.values.join(', ')}` : `drawn independently and uniformly between ${low} and ${high}`;
  return [
    c.rounds === 1 ? 'One item is sold.' : `${c.rounds} items are sold one after another, one per round.`,
    `Each bidder has a private value for each item, ${how}. Only you know your value. ${c.freshValues ? 'Values are drawn afresh for every item.' : 'Your value stays the same for every item.'}`,
  ];
}

function closingText(c: ItemConfig): string[] {
  return [
    c.tieBreak === 'random' ? 'Ties are broken by a random draw.' : 'Ties go to the lowest-numbered seat.',
    'The winner earns their value minus the price; everyone else earns 0 for the item.',
    `When an item closes everyone learns whether it sold and at what price${c.identities ? ', and who won' : ' (not who won)'}.`,
  ];
}

export function englishRules(c: EnglishConfig): string {
  const opening = openingOf(c);
  const top = maxPriceOf(c);
  const reserve = c.reserve > 0 ? [`The reserve price is ${c.reserve}: nothing sells below it.`] : [];
  if (c.format === 'outcry') {
    return [
      ...itemsText(c),
      ...reserve,
      `Bidding is open: anyone may bid at any time. The first bid must be at least ${opening}; every later bid must beat the standing bid by at least ${c.increment}. Bids go up to ${top}. You cannot raise your own standing bid.`,
      `Bidding on an item runs ${seconds(c.durationMs)}.`,
      c.close === 'soft'
        ? `Soft close: a bid made with less than ${seconds(c.extendMs)} left moves the close to ${seconds(c.extendMs)} after that bid.`
        : 'Hard close: the close never moves, so a bid in the last moment cannot be answered.',
      'At the close the standing bid wins and pays its own amount; with no bid, the item is not sold.',
      c.identities ? 'Everyone sees every bid and who made it.' : 'Everyone sees every bid, but not who made it.',
      ...closingText(c),
    ].join('\n');
  }
  return [
    ...itemsText(c),
    ...reserve,
    `A price clock opens at ${opening} and rises by ${c.increment} every ${seconds(c.tickMs)}, up to ${top}.`,
    'While the clock shows a price you may drop out; once out, you stay out for that item. If you do nothing, you stay in, and staying in when the clock moves on means you accept the price it showed.',
    'When only one bidder is still in as the clock moves on, that bidder wins at the price showing: the price its last rival would not pay.',
    'If everyone still in drops out at the same price, they tie, at the price before it (the one they all accepted); if everyone drops out at the opening price, the item is not sold.',
    `If the clock reaches ${top} with more than one bidder in, those still in tie at ${top}.`,
    c.showActive ? 'Everyone sees how many bidders are still in.' : 'Nobody is told how many bidders are still in.',
    c.showDropouts ? `Each drop-out is shown as it happens, with its price${c.identities ? ' and who dropped' : ' (not who dropped)'}.` : 'Drop-outs are not shown.',
    ...closingText(c),
  ].join('\n');
}

export function dutchRules(c: DutchConfig): string {
  return [
    ...itemsText(c),
    c.reserve > 0 ? `The reserve price is ${c.reserve}: the clock never goes below it.` : 'There is no reserve price.',
    `A price clock opens at ${dutchStartOf(c)} and falls by ${c.decrement} every ${seconds(c.tickMs)}, down to ${floorOf(c)}.`,
    'Any bidder may stop the clock: the first to stop it buys the item at the price showing. Stops made while the clock shows the same price count as made together and tie.',
    'Nobody sees a stop until the tick ends. If nobody stops the clock by the end of its lowest price, the item is not sold.',
    ...closingText(c),
  ].join('\n');
}
