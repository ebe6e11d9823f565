/** Rules text of the double auction, built from its config. */
import { support, type Distribution } from '../core/policy.ts';
import { traderCount, type DoubleAuctionConfig, type Side } from './config.ts';

function distText(d: Distribution): string {
  if (d.kind === 'discrete') return `drawn at random from ${d.values.join(', ')}`;
  const { low, high } = support(d);
  return `drawn independently and uniformly between ${low} and ${high}${d.kind === 'uniformInt' ? ' (whole numbers)' : ''}`;
}

function sideText(side: Side, units: number, dist: Distribution, what: 'value' | 'cost', fresh: boolean): string {
  if (typeof side !== 'number') return `Each ${what === 'value' ? 'buyer' : 'seller'} has a fixed, private list of unit ${what}s set by the experimenter, the same in every period.`;
  return `Each ${what === 'value' ? 'buyer' : 'seller'} has ${units} unit${units === 1 ? '' : 's'} with private ${what}s ${distText(dist)}; ${fresh ? 'they are drawn afresh every period' : 'they stay the same in every period'}.`;
}

const REVEAL_TEXT: Record<DoubleAuctionConfig['revealSchedules'], string> = {
  never: 'The market-wide supply and demand schedules are never shown.',
  afterPeriod: 'After each period everyone is shown that period’s demand and supply schedules (all values and costs, without names).',
  afterMarket: 'When the market closes everyone is shown each period’s demand and supply schedules (all values and costs, without names).',
};

export function doubleAuctionRules(c: DoubleAuctionConfig): string {
  const nb = traderCount(c.buyers);
  const ns = traderCount(c.sellers);
  const maxOpen = c.maxOpenOrdersPerTrader;
  return [
    `A market with ${nb} buyer${nb === 1 ? '' : 's'} and ${ns} seller${ns === 1 ? '' : 's'} trades one unit at a time for ${c.periods} period${c.periods === 1 ? '' : 's'} of ${c.periodMs / 1000} seconds each.`,
    sideText(c.buyers, c.unitsPerTrader, c.values, 'value', c.freshValues),
    sideText(c.sellers, c.unitsPerTrader, c.costs, 'cost', c.freshValues),
    'Buyers use their highest-value unit first, sellers their lowest-cost unit first. Your units come back at the start of every period.',
    `Buyers post bids, sellers post asks: limit orders for one unit at a price from ${c.minPrice} to ${c.maxPrice} in steps of ${c.tick}.`,
    c.allowLoss ? 'You may bid above your value or ask below your cost (and lose money).' : 'You may not bid above the value of your next unit, nor ask below the cost of your next unit.',
    maxOpen === 1
      ? 'You may have one open order at a time: a new order replaces your previous one.'
      : `You may have up to ${maxOpen} open orders at a time (never more than your units left); at that limit a new order replaces your oldest one.${c.allowLoss ? '' : ' Every open order must be covered: with k open orders, each bid must be at most the value of your k-th remaining unit (each ask at least its cost); otherwise cancel an order first.'}`,
    c.improvementRule ? 'A new bid must beat the best standing bid by at least one step, and a new ask must undercut the best standing ask by at least one step.' : 'Any price in the range may be posted.',
    'When a new bid reaches the lowest ask (or a new ask reaches the highest bid), they trade at once at the price of the order that was already standing; among equal prices the earlier order goes first.',
    'You may cancel your own open orders at any time.',
    c.clearBookAfterTrade ? 'After every trade all open orders are withdrawn.' : 'Orders stay in the book until they trade, are cancelled or replaced, or the period ends.',
    'A period ends at its deadline, or earlier once every buyer or every seller has traded all units. The book is cleared when a period ends.',
    'A buyer earns value minus price on each unit bought, a seller earns price minus cost on each unit sold; untraded units earn nothing. The market charges no fee.',
    `Everyone sees the book (prices and sizes${c.showOrderOwners ? ', with who placed each order' : ', not who placed them'}) and the prices of past trades${c.showTradeParties ? ' with buyer and seller' : ''}.`,
    REVEAL_TEXT[c.revealSchedules],
  ].join('\n');
}
