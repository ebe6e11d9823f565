/**
 * The price path of the open market for a chart: seconds since it opened, one series of
 * prices per outcome, a step at each trade (the views carry the match clock, not the wall
 * clock, so the path ends at the last trade rather than at "now").
 */
import type uPlot from 'uplot';
import type { MarketPublicView, TraderView } from '../index.ts';

export const OUTCOME_COLOURS = ['#1f5fc4', '#c2410c', '#13803a', '#7c3aed', '#b45309', '#0e7490', '#be185d', '#4b5563'];

export function pricePath(view: MarketPublicView | TraderView): { data: uPlot.AlignedData; series: uPlot.Series[]; seconds: number } {
  const n = view.outcomes.length;
  const start = view.openedAt ?? 0;
  // The opening prices, unless the tape has dropped the first trades: then the path starts at the first it kept.
  const full = view.tape.length >= view.trades;
  const x: number[] = full ? [0] : [];
  const ys: number[][] = view.outcomes.map(() => (full ? [1 / n] : []));
  for (const t of view.tape) {
    x.push((t.at - start) / 1000);
    t.prices.forEach((p, k) => ys[k]?.push(p));
  }
  return {
    data: [x, ...ys] as uPlot.AlignedData,
    series: view.outcomes.map((o, k) => ({ label: o, stroke: OUTCOME_COLOURS[k % OUTCOME_COLOURS.length], width: 2 })),
    seconds: Math.max(1, (view.deadline !== null && view.openedAt !== null ? view.deadline - view.openedAt : (x.at(-1) ?? 0) * 1000) / 1000),
  };
}
