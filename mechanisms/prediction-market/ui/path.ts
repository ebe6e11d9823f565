/** The price path of the open market for a chart: seconds since it opened, one series of prices per outcome (a step at each trade). */
import type uPlot from 'uplot';
import type { MarketPublicView, TraderView } from '../index.ts';

export const OUTCOME_COLOURS = ['#1f5fc4', '#c2410c', '#13803a', '#7c3aed', '#b45309', '#0e7490', '#be185d', '#4b5563'];

export function pricePath(view: MarketPublicView | TraderView, now: number | null = null): { data: uPlot.AlignedData; series: uPlot.Series[]; seconds: number } {
  const n = view.outcomes.length;
  const start = view.openedAt ?? 0;
  const x: number[] = [0];
  const ys: number[][] = view.outcomes.map(() => [1 / n]);
  // The tape keeps the latest trades: when it has dropped the first ones, the path starts at the first it kept.
  const dropped = view.tape.length < view.trades;
  if (dropped) {
    x.length = 0;
    for (const y of ys) y.length = 0;
  }
  for (const t of view.tape) {
    x.push((t.at - start) / 1000);
    t.prices.forEach((p, k) => ys[k]?.push(p));
  }
  const end = view.deadline !== null ? Math.min(now ?? view.deadline, view.deadline) : (view.tape.at(-1)?.at ?? start);
  const last = Math.max((end - start) / 1000, x.at(-1) ?? 0);
  // Hold the current prices up to now, so the last step shows how long they have stood.
  x.push(last);
  view.prices.forEach((p, k) => ys[k]?.push(p));
  return {
    data: [x, ...ys] as uPlot.AlignedData,
    series: view.outcomes.map((o, k) => ({ label: o, stroke: OUTCOME_COLOURS[k % OUTCOME_COLOURS.length], width: 2 })),
    seconds: Math.max(1, (view.deadline !== null && view.openedAt !== null ? view.deadline - view.openedAt : last * 1000) / 1000),
  };
}
