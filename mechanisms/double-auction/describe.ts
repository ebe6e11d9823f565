/** A seat's view as text, for LLM prompts and logs. */
import type { BookLevel } from './book.ts';
import type { TraderView } from './views.ts';

const levelsText = (levels: readonly BookLevel[]): string => (levels.length ? levels.map((l) => `${l.price}×${l.size}`).join(', ') : 'none');

export function describeView(v: TraderView): string {
  const unitWord = v.role === 'buyer' ? 'value' : 'cost';
  const lines = [
    `You are ${v.role} ${v.seat} in a continuous double auction with ${v.buyers} buyers and ${v.sellers} sellers, period ${v.period} of ${v.periods}${v.over ? ' (the market has closed)' : ''}.`,
    v.units.left > 0
      ? `You have ${v.units.left} unit${v.units.left === 1 ? '' : 's'} left this period; their ${unitWord}s, next first: ${v.units.remaining.join(', ')}. You have traded ${v.units.traded}.`
      : `You have no units left this period (traded ${v.units.traded}).`,
    `Prices run from ${v.minPrice} to ${v.maxPrice} in steps of ${v.tick}.${v.improvementRule ? ' New bids must beat the best bid, new asks undercut the best ask.' : ''}`,
    `Book: bids ${levelsText(v.book.bids)}; asks ${levelsText(v.book.asks)}.`,
    v.myOrders.length ? `Your open orders: ${v.myOrders.map((o) => `#${o.orderId} ${o.side} ${o.price}`).join(', ')}.` : 'You have no open orders.',
    v.tape.length ? `Trades this period at: ${v.tape.map((t) => t.price).join(', ')}.` : 'No trades yet this period.',
  ];
  for (const t of v.myTrades) lines.push(`You ${v.role === 'buyer' ? 'bought' : 'sold'} at ${t.price} (${unitWord} ${t.unit}, profit ${t.profit}).`);
  for (const h of v.history.slice(-3)) lines.push(`Period ${h.period}: ${h.prices.length} trades${h.prices.length ? ` at ${h.prices.join(', ')}` : ''}; you traded ${h.units} for a profit of ${h.profit}.`);
  if (v.deadline !== null) lines.push(`This period closes at t=${v.deadline} ms.`);
  lines.push(`Your profit: ${v.periodProfit} this period, ${v.totalProfit} in total.`);
  return lines.join('\n');
}
