/**
 * What each audience sees of a VCG auction, and the rules and a bidder's view in words.
 * A bidder sees its own values of every bundle this round, its own bids, how many lists are
 * in, its own results, and of the others what `reveal` shows; spectators see the counts and
 * the revealed rounds, never a value.
 */
import type { SeatId } from '../core/types.ts';
import { support } from '../core/policy.ts';
import { marketOf, maxBidsOf, maxPriceOf, type Reveal, type VcgConfig } from './config.ts';
import { MECHANISM_ID, ownRound, publicRound, valuesByBundle, type Bid, type OwnRound, type PublicRound, type VcgState } from './play.ts';

interface AuctionStatus {
  readonly mechanism: typeof MECHANISM_ID;
  readonly round: number;
  readonly rounds: number;
  readonly over: boolean;
  readonly stage: 'bid' | 'over';
  readonly deadline: number | null;
  readonly bidders: number;
  readonly items: readonly string[];
  readonly reveal: Reveal;
  readonly maxBids: number;
  readonly maxPrice: number;
  readonly bidsIn: number;
  /** Sums over every closed round of what reveal 'revenue' and beyond show; null under reveal 'nothing'. */
  readonly sums: { readonly rounds: number; readonly revenue: number; readonly bidWelfare: number; readonly inCore: number } | null;
}

export interface BidderView extends AuctionStatus {
  readonly seat: SeatId;
  /** Your value of every bundle this round, by bundle name ('A+B'). */
  readonly values: Readonly<Record<string, number>>;
  readonly myBids: readonly Bid[] | null;
  readonly history: readonly OwnRound[];
  readonly totalPayoff: number;
}

export interface VcgPublicView extends AuctionStatus {
  readonly history: readonly PublicRound[];
}

function status(state: VcgState): AuctionStatus {
  const { config, tally } = state;
  return {
    mechanism: MECHANISM_ID,
    round: state.round,
    rounds: config.rounds,
    over: state.over,
    stage: state.over ? 'over' : 'bid',
    deadline: state.deadline,
    bidders: state.seats.length,
    items: marketOf(config).items,
    reveal: config.reveal,
    maxBids: maxBidsOf(config),
    maxPrice: maxPriceOf(config),
    bidsIn: state.bidsIn,
    sums: config.reveal === 'nothing' ? null : { rounds: tally.rounds, revenue: tally.revenue, bidWelfare: tally.bidWelfare, inCore: tally.core },
  };
}

export function bidderView(state: VcgState, seat: SeatId): BidderView {
  const i = state.seats.indexOf(seat);
  return {
    ...status(state),
    seat,
    values: valuesByBundle(marketOf(state.config).items, state.values[i] as readonly number[]),
    myBids: state.bids[i] ?? null,
    history: state.recent.map((r) => ownRound(state, r, i)),
    totalPayoff: state.totals[i] as number,
  };
}

export function spectatorView(state: VcgState): VcgPublicView {
  return { ...status(state), history: state.recent.map((r) => publicRound(state, r)) };
}

const num = (x: number): string => String(Math.round(x * 1e6) / 1e6);
const bidsText = (bids: readonly Bid[] | null): string => (bids === null ? 'no bids (missed the deadline)' : bids.length === 0 ? 'no bids' : bids.map((b) => `${b.items.join('+')} for ${num(b.price)}`).join(', '));

const REVEAL_TEXT: Record<Reveal, string> = {
  nothing: 'After each round you learn only your own result.',
  revenue: "After each round everyone learns the revenue, the sum of the winning bids, how many items were sold and whether the outcome is in the core of the bids, but not who won.",
  allocation: 'After each round everyone learns who won which bundle, the winning bids and the payments, and the revenue.',
  allBids: 'After each round everyone sees every bid, the allocation and the payments.',
};

function valuationText(config: VcgConfig): string {
  const { items, valuations: v } = marketOf(config);
  if (v.family === 'explicit') {
    const lines = v.bidders.map((bundles, i) => `  bidder ${i + 1}: ${bundles.length ? bundles.map((b) => `${b.items.join('+')} ${num(b.value)}`).join(', ') : 'nothing'}`);
    return ['The bidders\' values are known and fixed (a bundle is worth the most valuable listed bundle it contains, 0 if none):', ...lines].join('\n');
  }
  const { low, high } = support(v.item);
  const how = v.item.kind === 'discrete' ? `drawn at random from ${v.item.values.join(', ')}` : `drawn independently and uniformly between ${low} and ${high}${v.item.kind === 'uniformInt' ? ' (whole numbers)' : ''}`;
  const family =
    v.family === 'additive'
      ? "A bundle is worth the sum of its items' values."
      : v.family === 'unitDemand'
        ? 'A bundle is worth the value of its best item (the items are substitutes: you need only one).'
        : `A bundle is worth the sum of its items' values plus ${num(v.synergy)} for each item beyond the first (the items are complements).`;
  const fresh = config.freshValues ? 'Values are drawn afresh every round.' : 'Your values stay the same in every round.';
  return `Each bidder has a private value for each item (${items.join(', ')}), ${how}; only you know yours. ${family} ${fresh}`;
}

export function vcgRules(config: VcgConfig): string {
  const { items } = marketOf(config);
  return [
    `${items.length === 1 ? `One item (${items[0]}) is sold` : `${items.length} items (${items.join(', ')}) are sold, singly or in bundles,`} in each of ${config.rounds} round${config.rounds === 1 ? '' : 's'} by a Vickrey–Clarke–Groves (VCG) auction.`,
    valuationText(config),
    `Each round every bidder submits one sealed list of up to ${maxBidsOf(config)} bids, each on a bundle (a set of items) with a price from 0 to ${num(maxPriceOf(config))}${config.bidStep > 0 ? ` in steps of ${config.bidStep}` : ''}. The bids are alternatives: you win at most one of them (a bundle bid twice counts at the higher price). Nobody sees the others' bids while bidding.`,
    'The auction gives the items to the bids with the greatest total, each bidder winning at most one bid. Ties go to the lowest-numbered bidder, and among its bids to the one listed first.',
    'A winner pays the harm it does to the others: the greatest total the other bidders\' bids could reach without it, less what the others\' winning bids total with it. You never pay more than your bid, and bidding your true values is a dominant strategy.',
    ...(items.length === 1 ? ['With one item this is the second-price (Vickrey) auction: the highest bid wins and pays the second-highest bid.'] : []),
    'A bidder earns the value of the bundle it wins minus its payment; winning nothing earns 0.',
    config.roundMs === null ? 'A round closes once everyone has bid.' : `A round closes once everyone has bid or after ${config.roundMs / 1000} seconds; a bidder who has not bid by then takes no part in that round.`,
    REVEAL_TEXT[config.reveal],
  ].join('\n');
}

export function describeView(view: BidderView): string {
  const lines = [
    `You are bidder ${view.seat} of ${view.bidders} in a VCG auction of ${view.items.join(', ')}, round ${view.round} of ${view.rounds}.`,
    `Your values this round: ${Object.entries(view.values).map(([bundle, v]) => `${bundle} ${num(v)}`).join(', ')}.`,
  ];
  if (view.stage === 'bid') {
    lines.push(
      view.myBids === null
        ? `You have not bid yet. Submit up to ${view.maxBids} bids on bundles, prices from 0 to ${num(view.maxPrice)}; you win at most one.`
        : `Your bids: ${bidsText(view.myBids)}; waiting for the others (${view.bidsIn} of ${view.bidders} in).`,
    );
  }
  for (const r of view.history.slice(-5)) {
    const winners = r.winners ? `; winners: ${r.winners.map((w) => `${w.seat}${w.seat === view.seat ? ' (you)' : ''} ${w.bundle} (bid ${num(w.bid)}, paid ${num(w.paid)})`).join(', ') || 'none'}` : '';
    const revenue = r.revenue !== undefined ? `; revenue ${num(r.revenue)}` : '';
    lines.push(`Round ${r.round}: you bid ${bidsText(r.myBids)}; ${r.won ? `you won ${r.won}, worth ${num(r.value)} to you, and paid ${num(r.paid)}` : 'you won nothing'}, payoff ${num(r.payoff)}${winners}${revenue}.`);
  }
  lines.push(`Your total payoff so far: ${num(view.totalPayoff)}.`);
  return lines.join('\n');
}
