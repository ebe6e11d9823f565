import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import type { Legal } from '../../../mechanisms/core/types.ts';
import type { BidderView } from '../../../mechanisms/sealed-bid/auction.ts';
import type { TraderView } from '../../../mechanisms/double-auction/index.ts';
import type { PlayerView } from '../../../mechanisms/public-goods/index.ts';
import SealedBidBoard from '../../../mechanisms/sealed-bid/ui/Board.svelte';
import FirstPriceBoard from '../../../mechanisms/first-price/ui/Board.svelte';
import DoubleAuctionBoard from '../../../mechanisms/double-auction/ui/Board.svelte';
import PublicGoodsBoard from '../../../mechanisms/public-goods/ui/Board.svelte';
import GenericBoard from './GenericBoard.svelte';

const bidder = (over: Partial<BidderView> = {}): BidderView => ({
  mechanism: 'first-price',
  seat: 'p0',
  round: 2,
  rounds: 5,
  over: false,
  bidders: 4,
  value: 73,
  myBid: null,
  bidsIn: 1,
  reserve: 0,
  maxBid: 100,
  deadline: null,
  history: [{ round: 1, sold: true, price: 61, value: 55, bid: 40, won: false, paid: 0, payoff: 0 }],
  totalPayoff: 12,
  ...over,
});
const bidLegal: Legal = [{ type: 'bid', params: { amount: { kind: 'number', min: 0, max: 100, step: 1 } } }];

describe('SealedBidBoard', () => {
  it('shows the value and sends a bid within the legal range', async () => {
    const act = vi.fn(async () => ({ ok: true }));
    render(SealedBidBoard, { view: bidder(), legal: bidLegal, act });
    expect(screen.getByTestId('my-value').textContent).toBe('73');
    expect(screen.getByText(/Round 2 of 5, 4 bidders/)).toBeTruthy();
    const input = screen.getByLabelText(/Your bid/) as HTMLInputElement;
    await fireEvent.input(input, { target: { value: '58' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Place bid' }));
    expect(act).toHaveBeenCalledWith({ type: 'bid', amount: 58 });
  });

  it('refuses an amount outside the range before sending it', async () => {
    const act = vi.fn(async () => ({ ok: true }));
    render(SealedBidBoard, { view: bidder(), legal: bidLegal, act });
    await fireEvent.input(screen.getByLabelText(/Your bid/), { target: { value: '140' } });
    expect(screen.getByText('between 0 and 100')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Place bid' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(/above your value of 73/)).toBeTruthy();
    expect(act).not.toHaveBeenCalled();
  });

  it('says the bid is in and lists past rounds when there is nothing to do', () => {
    render(SealedBidBoard, { view: bidder({ myBid: 50, bidsIn: 3 }), legal: [], act: vi.fn() });
    expect(screen.getByText(/is in/).textContent).toContain('3 of 4');
    expect(screen.queryByRole('button', { name: 'Place bid' })).toBeNull();
    expect(screen.getByText('lost')).toBeTruthy();
    expect(screen.getByText('Your rounds')).toBeTruthy();
  });

  it('says when the rounds listed are the last of more (the view recalls a window)', () => {
    render(SealedBidBoard, { view: bidder({ round: 80, rounds: 100 }), legal: [], act: vi.fn() });
    expect(screen.getByText('Your last 1 rounds')).toBeTruthy();
  });

  it("is first-price's board, by the file in that mechanism's folder", () => {
    render(FirstPriceBoard, { view: bidder(), legal: bidLegal, act: vi.fn() });
    expect(screen.getByTestId('my-value').textContent).toBe('73');
  });
});

const trader = (over: Partial<TraderView> = {}): TraderView => ({
  mechanism: 'double-auction',
  period: 1,
  periods: 3,
  over: false,
  deadline: null,
  buyers: 2,
  sellers: 2,
  minPrice: 0,
  maxPrice: 200,
  tick: 1,
  book: { bids: [{ price: 90, size: 1 }], asks: [{ price: 120, size: 2 }] },
  tape: [{ price: 100, at: 1000 }],
  seat: 'p0',
  role: 'buyer',
  improvementRule: false,
  allowLoss: false,
  maxOpenOrders: 1,
  units: { traded: 1, left: 2, next: 130, remaining: [130, 110] },
  myOrders: [{ orderId: 7, side: 'bid', price: 90 }],
  myTrades: [{ price: 100, at: 1000, unit: 150, profit: 50 }],
  periodProfit: 50,
  totalProfit: 50,
  history: [],
  ...over,
});

describe('DoubleAuctionBoard', () => {
  const legal: Legal = [
    { type: 'placeOrder', params: { side: { kind: 'choice', options: ['bid'] }, price: { kind: 'number', min: 0, max: 130, step: 1 } }, hint: 'your next unit is worth 130' },
    { type: 'cancelOrder', params: { orderId: { kind: 'choice', options: [7] } } },
  ];

  it('shows units, book and tape, and places a bid on its own side', async () => {
    const act = vi.fn(async () => ({ ok: true }));
    render(DoubleAuctionBoard, { view: trader(), legal, act });
    expect(screen.getAllByTestId('unit').map((u) => u.textContent)).toEqual(['130', '110']);
    expect(screen.getByTestId('order-book').textContent).toContain('120');
    expect(screen.getByTestId('tape').textContent).toContain('100');
    expect(screen.getByText('your next unit is worth 130')).toBeTruthy();
    await fireEvent.input(screen.getByLabelText(/Bid price/), { target: { value: '101' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Place bid' }));
    expect(act).toHaveBeenCalledWith({ type: 'placeOrder', side: 'bid', price: 101 });
  });

  it('cancels an open order', async () => {
    const act = vi.fn(async () => ({ ok: true }));
    render(DoubleAuctionBoard, { view: trader(), legal, act });
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(act).toHaveBeenCalledWith({ type: 'cancelOrder', orderId: 7 });
  });

  it('says when all units are traded', () => {
    render(DoubleAuctionBoard, { view: trader({ units: { traded: 3, left: 0, next: null, remaining: [] }, myOrders: [] }), legal: [], act: vi.fn() });
    expect(screen.getByText(/traded all your units/)).toBeTruthy();
  });
});

const player = (over: Partial<PlayerView> = {}): PlayerView => ({
  mechanism: 'public-goods',
  players: 3,
  round: 1,
  rounds: 10,
  over: false,
  stage: 'contribute',
  deadline: null,
  mpcr: 0.5,
  reveal: 'individual',
  endowmentMean: 20,
  contributionsIn: 0,
  punishmentsIn: 0,
  current: null,
  seat: 'p0',
  contributionStep: 1,
  endowments: 'common',
  endowment: 20,
  myContribution: null,
  myEarnings: null,
  myPunishment: null,
  punishment: null,
  history: [],
  totalPayoff: 0,
  ...over,
});

describe('PublicGoodsBoard', () => {
  it('contributes part of the endowment', async () => {
    const act = vi.fn(async () => ({ ok: true }));
    render(PublicGoodsBoard, { view: player(), legal: [{ type: 'contribute', params: { amount: { kind: 'number', min: 0, max: 20, step: 1 } } }], act });
    expect(screen.getByTestId('endowment').textContent).toBe('20');
    await fireEvent.input(screen.getByLabelText(/Contribution/), { target: { value: '12' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Contribute' }));
    expect(act).toHaveBeenCalledWith({ type: 'contribute', amount: 12 });
  });

  it('assigns punishment points per player within the total', async () => {
    const act = vi.fn(async () => ({ ok: true }));
    const view = player({
      stage: 'punish',
      myContribution: 10,
      myEarnings: 25,
      current: { round: 1, total: 30, average: 10, contributions: { p0: 10, p1: 20, p2: 0 } },
      punishment: { costPerPoint: 1, effectPerPoint: 3, maxPointsPerTarget: 5, maxPointsTotal: 6, pointStep: 1, revealPunishers: false },
    });
    const legal: Legal = [{ type: 'punish', params: { points: { kind: 'allocation', keys: ['p1', 'p2'], min: 0, max: 5, step: 1, total: 6 } } }];
    render(PublicGoodsBoard, { view, legal, act });
    // Players by number ("Seat 3" without the page's names), never by seat id.
    expect(screen.getByText(/Seat 3 0/)).toBeTruthy();
    const p2 = screen.getByLabelText('Seat 3');
    await fireEvent.input(p2, { target: { value: '5' } });
    await fireEvent.input(screen.getByLabelText('Seat 2'), { target: { value: '2' } });
    expect(screen.getByText(/at most 6 in all/, { selector: 'small' })).toBeTruthy();
    await fireEvent.input(screen.getByLabelText('Seat 2'), { target: { value: '1' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Submit points' }));
    expect(act).toHaveBeenCalledWith({ type: 'punish', points: { p1: 1, p2: 5 } });
  });
});

describe('GenericBoard (a mechanism without a board of its own)', () => {
  it('shows where the match stands and the view, and sends any legal action from its spec', async () => {
    const act = vi.fn(async () => ({ ok: true }));
    const legal: Legal = [
      { type: 'pick', params: { number: { kind: 'choice', options: [1, 2, 3] }, count: { kind: 'integer', min: 0, max: 5 } } },
      { type: 'rank', params: { order: { kind: 'ranking', options: ['a', 'b', 'c'] } } },
    ];
    render(GenericBoard, { view: { secret: 'my-own-view' }, legal, act, progress: { round: 2, rounds: 3, unit: 'round', phase: 'picking' } });
    expect(screen.getByTestId('progress').textContent).toBe('Round 2 of 3 (picking)');
    expect(screen.getByText(/my-own-view/)).toBeTruthy();
    await fireEvent.change(screen.getByLabelText('number'), { target: { value: '2' } });
    await fireEvent.input(screen.getByLabelText(/count/), { target: { value: '4' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Pick' }));
    expect(act).toHaveBeenCalledWith({ type: 'pick', number: 2, count: 4 });
    await fireEvent.click(screen.getByRole('button', { name: 'Move c up' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Rank' }));
    expect(act).toHaveBeenCalledWith({ type: 'rank', order: ['a', 'c', 'b'] });
  });

  it('refuses a whole-number field with a fraction and a simplex that does not add up to 1', async () => {
    const act = vi.fn(async () => ({ ok: true }));
    const legal: Legal = [
      { type: 'forecast', params: { p: { kind: 'simplex', keys: ['up', 'down'] } } },
      { type: 'order', params: { units: { kind: 'integer', min: 0, max: 9 } } },
    ];
    render(GenericBoard, { view: {}, legal, act });
    await fireEvent.input(screen.getByLabelText('up'), { target: { value: '0.7' } });
    expect(screen.getByText(/must add up to 1/)).toBeTruthy();
    await fireEvent.input(screen.getByLabelText('down'), { target: { value: '0.3' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Forecast' }));
    expect(act).toHaveBeenCalledWith({ type: 'forecast', p: { up: 0.7, down: 0.3 } });
    await fireEvent.input(screen.getByLabelText(/units/), { target: { value: '2.5' } });
    expect(screen.getByText('a whole number')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Order' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('bids on bundles of items', async () => {
    const act = vi.fn(async () => ({ ok: true }));
    render(GenericBoard, { view: {}, legal: [{ type: 'bids', params: { bids: { kind: 'bundle', items: ['A', 'B'], maxBids: 2, min: 0, max: 50 } } }], act });
    await fireEvent.click(screen.getByRole('button', { name: 'Add a bid' }));
    expect(screen.getByText(/pick at least one item/)).toBeTruthy();
    await fireEvent.click(screen.getByLabelText('B'));
    await fireEvent.input(screen.getByLabelText('price'), { target: { value: '12' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Bids' }));
    expect(act).toHaveBeenCalledWith({ type: 'bids', bids: [{ items: ['B'], price: 12 }] });
  });
});
