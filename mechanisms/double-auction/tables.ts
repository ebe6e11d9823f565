/**
 * The double auction's tidy tables: one row per trade (both parties and both orders) and
 * one row per order event (placed, cancelled, replaced, filled), folded from the owners'
 * events of the record (own_order_placed, own_order_cancelled, bought, sold), which name
 * the order ids the public events leave out. Also what each participant-round field means.
 */
import type { LedgerEvent } from '../core/ledger.ts';
import { EVENT_COLUMNS, eventCells, type RoundFieldSpec, type TableReader, type TableRow, type TableSpec } from '../core/tables.ts';

const ownerOf = (e: LedgerEvent): string | null => (Array.isArray(e.audience) ? (e.audience[0] ?? null) : e.seat);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

const trades: TableSpec = {
  name: 'trades',
  definition: 'one row per trade: a unit changing hands between a buyer and a seller at one price',
  columns: [
    ...EVENT_COLUMNS,
    { name: 'period', unit: 'period', definition: 'trading period of the trade, from 1' },
    { name: 'price', unit: 'money', definition: 'trade price: the price of the order that was standing in the book' },
    { name: 'buyer', unit: 'seat', definition: 'seat of the buyer' },
    { name: 'seller', unit: 'seat', definition: 'seat of the seller' },
    { name: 'buy_order', unit: 'order id', definition: "the buyer's order that traded (orders.order_id)" },
    { name: 'sell_order', unit: 'order id', definition: "the seller's order that traded (orders.order_id)" },
    { name: 'initiator', unit: 'bid or ask', definition: 'side of the arriving order that crossed the standing one (bid: the buyer took the ask)' },
    { name: 'buyer_value', unit: 'money', definition: "the buyer's value of the unit bought" },
    { name: 'seller_cost', unit: 'money', definition: "the seller's cost of the unit sold" },
    { name: 'buyer_profit', unit: 'money', definition: 'buyer_value minus price' },
    { name: 'seller_profit', unit: 'money', definition: 'price minus seller_cost' },
  ],
  reader(): TableReader {
    let open: Record<string, TableRow[keyof TableRow]> | null = null;
    return {
      see(e) {
        if (e.kind === 'trade') {
          open = { ...eventCells(e), period: num(e.data.period), price: num(e.data.price), initiator: typeof e.data.initiator === 'string' ? e.data.initiator : null };
          return undefined;
        }
        if (!open) return undefined;
        if (e.kind === 'bought') Object.assign(open, { buyer: ownerOf(e), buy_order: num(e.data.orderId), buyer_value: num(e.data.value), buyer_profit: num(e.data.profit) });
        if (e.kind !== 'sold') return undefined;
        Object.assign(open, { seller: ownerOf(e), sell_order: num(e.data.orderId), seller_cost: num(e.data.cost), seller_profit: num(e.data.profit) });
        const row = open;
        open = null;
        return [row];
      },
    };
  },
};

const orders: TableSpec = {
  name: 'orders',
  definition: 'one row per order event: an order placed, cancelled by its owner, replaced by its owner\'s next order, or filled by a trade; orders still resting when a period closes expire with it',
  columns: [
    ...EVENT_COLUMNS,
    { name: 'period', unit: 'period', definition: 'trading period, from 1' },
    { name: 'order_id', unit: 'order id', definition: 'the order, numbered in the match in the order placed' },
    { name: 'seat', unit: 'seat', definition: "the order's owner" },
    { name: 'side', unit: 'bid or ask', definition: 'bid (a buyer) or ask (a seller)' },
    { name: 'price', unit: 'money', definition: 'limit price of the order' },
    { name: 'event', unit: 'placed, cancelled, replaced or filled', definition: 'what happened to the order: placed; cancelled by its owner; replaced (withdrawn because the owner placed a new order at its cap); filled (traded)' },
    { name: 'crossed', unit: '1 (true) or 0 (false)', definition: 'placed rows: the order traded at once on arrival instead of resting in the book; empty on other rows' },
    { name: 'replaces', unit: 'order id', definition: 'placed rows: the order of the same owner this one replaced; empty when none' },
  ],
  reader(): TableReader {
    const sides = new Map<number, { side: string; price: number | null; seat: string | null }>();
    const replaced = new Map<string, { order: number; at: number }>();
    return {
      see(e) {
        const seat = ownerOf(e);
        const id = num(e.data.orderId);
        if (id === null) return undefined;
        const base = { ...eventCells(e), period: num(e.data.period), order_id: id, seat };
        switch (e.kind) {
          case 'own_order_placed': {
            const side = String(e.data.side);
            const price = num(e.data.price);
            sides.set(id, { side, price, seat });
            const before = seat ? replaced.get(seat) : undefined;
            if (seat) replaced.delete(seat);
            return [{ ...base, side, price, event: 'placed', crossed: e.data.resting === false, replaces: before && before.at === e.at ? before.order : null }];
          }
          case 'own_order_cancelled': {
            const reason = e.data.reason === 'replaced' ? 'replaced' : 'cancelled';
            if (reason === 'replaced' && seat) replaced.set(seat, { order: id, at: e.at });
            return [{ ...base, side: String(e.data.side), price: num(e.data.price), event: reason, crossed: null, replaces: null }];
          }
          case 'bought':
          case 'sold': {
            const known = sides.get(id);
            return [{ ...base, side: known?.side ?? (e.kind === 'bought' ? 'bid' : 'ask'), price: known?.price ?? null, event: 'filled', crossed: null, replaces: null }];
          }
        }
        return undefined;
      },
    };
  },
};

export const DOUBLE_AUCTION_TABLES: readonly TableSpec[] = [trades, orders];

export const DOUBLE_AUCTION_ROUND_FIELDS: Readonly<Record<string, RoundFieldSpec>> = {
  units: { unit: 'units', definition: 'units the trader traded in the period' },
  offered: { unit: 'units', definition: 'units the trader held at the start of the period' },
  schedule: { unit: 'money', definition: "the trader's values (a buyer) or costs (a seller) of its units, in the order they are used", separator: '/' },
  prices: { unit: 'money', definition: "the prices of the trader's trades in the period, in the order they happened", separator: '/' },
  ce_quantity: { unit: 'units', definition: "competitive-equilibrium quantity of the period's schedules" },
  ce_price_low: { unit: 'money', definition: 'lowest competitive-equilibrium price of the period' },
  ce_price_high: { unit: 'money', definition: 'highest competitive-equilibrium price of the period' },
  end: { unit: 'deadline or unitsExhausted', definition: 'how the period ended: at its deadline, or when every buyer or every seller had traded all units' },
};
