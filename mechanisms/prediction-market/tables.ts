/**
 * The prediction market's tidy tables: one row per trade with the market maker, from the
 * public trade events, with the trader's seat from the record. Also what each
 * participant-round field means.
 */
import { configOf, EVENT_COLUMNS, eventCells, type RoundFieldSpec, type TableSpec } from '../core/tables.ts';

const trades: TableSpec = {
  name: 'trades',
  definition: "one row per trade with the automated market maker (LMSR): a trader's buy, sell or bet against one outcome",
  columns: [
    ...EVENT_COLUMNS,
    { name: 'market', unit: 'market', definition: 'market (round) of the trade, from 1' },
    { name: 'trader', unit: 'seat', definition: 'seat of the trader' },
    { name: 'kind', unit: 'buy, sell or against', definition: 'buy: shares of the outcome; sell: shares of it sold back; against: equal shares of every other outcome' },
    { name: 'outcome', unit: 'outcome', definition: 'the outcome traded' },
    { name: 'shares', unit: 'shares', definition: 'shares bought or sold (each pays 1 if its outcome happens)' },
    { name: 'amount', unit: 'money', definition: 'cash the trader paid (or received for a sale)' },
    { name: 'price_after', unit: 'probability', definition: "the market maker's price of the traded outcome just after the trade" },
  ],
  reader() {
    let outcomes: readonly unknown[] = [];
    return {
      see(e) {
        const config = configOf(e);
        if (config) outcomes = Array.isArray(config.outcomes) ? config.outcomes : [];
        if (e.kind !== 'trade') return undefined;
        const d = e.data;
        const k = outcomes.indexOf(d.outcome);
        const prices = Array.isArray(d.prices) ? (d.prices as unknown[]) : [];
        const after = k >= 0 && typeof prices[k] === 'number' ? (prices[k] as number) : null;
        const num = (v: unknown) => (typeof v === 'number' ? v : null);
        return [{ ...eventCells(e), market: num(d.market), trader: e.seat, kind: typeof d.kind === 'string' ? d.kind : null, outcome: typeof d.outcome === 'string' ? d.outcome : null, shares: num(d.shares), amount: num(d.amount), price_after: after }];
      },
    };
  },
};

export const PREDICTION_MARKET_TABLES = [trades] as const;

export const PREDICTION_MARKET_ROUND_FIELDS: Readonly<Record<string, RoundFieldSpec>> = {
  signal: { unit: 'signal', definition: "the trader's private signal about the outcome" },
  trades: { unit: 'trades', definition: 'trades the trader made in the market' },
  bought: { unit: 'money', definition: 'cash the trader spent on shares in the market' },
  sold: { unit: 'money', definition: 'cash the trader got back from selling shares in the market' },
  cash: { unit: 'money', definition: 'cash the trader had left when the market resolved' },
  payout: { unit: 'money', definition: "what the trader's shares of the realised outcome paid" },
  outcome: { unit: 'outcome', definition: 'the outcome that happened' },
  final_price: { unit: 'probability', definition: "the market maker's last price of the realised outcome" },
  posterior: { unit: 'probability', definition: "the realised outcome's probability given every trader's signal (the benchmark an informed market reaches)" },
};
