/**
 * The posted-price market's tidy tables: one row per unit sold, folded from each round's
 * participant rows (round_record: the seller's price, the buyers who got a unit), and units
 * bought by the simulated buyers, who hold no seat. Also what each participant-round field means.
 */
import { EVENT_COLUMNS, eventCells, type RoundFieldSpec, type TableRow, type TableSpec } from '../core/tables.ts';
import { ROUND_RECORD, type RoundRecordData } from '../core/types.ts';

const sales: TableSpec = {
  name: 'trades',
  definition: 'one row per unit sold at the posted price, to a seated buyer or to a simulated buyer (who holds no seat)',
  columns: [
    ...EVENT_COLUMNS,
    { name: 'round', unit: 'round', definition: 'round of the sale, from 1 (the sale is settled when the round closes)' },
    { name: 'price', unit: 'money', definition: 'the price the seller posted for the round' },
    { name: 'seller', unit: 'seat', definition: 'seat of the seller' },
    { name: 'buyer', unit: 'seat', definition: 'seat of the buyer; empty for a simulated buyer' },
    { name: 'buyer_value', unit: 'money', definition: "the seated buyer's value of the unit; empty for a simulated buyer" },
    { name: 'unit_cost', unit: 'money', definition: "the seller's cost of the unit" },
  ],
  reader: () => ({
    see(e) {
      if (e.kind !== ROUND_RECORD) return undefined;
      const { round, rows } = e.data as unknown as RoundRecordData;
      const seller = rows.find((r) => r.role === 'seller');
      if (!seller) return undefined;
      const price = typeof seller.fields.price === 'number' ? seller.fields.price : null;
      const cost = typeof seller.fields.unit_cost === 'number' ? seller.fields.unit_cost : null;
      const out: TableRow[] = [];
      for (const r of rows) {
        if (r.role === 'buyer' && r.fields.got === true) out.push({ ...eventCells(e), round, price, seller: seller.seat, buyer: r.seat, buyer_value: typeof r.fields.value === 'number' ? r.fields.value : null, unit_cost: cost });
      }
      const simulated = (typeof seller.fields.sold === 'number' ? seller.fields.sold : 0) - out.length;
      for (let k = 0; k < simulated; k++) out.push({ ...eventCells(e), round, price, seller: seller.seat, buyer: null, buyer_value: null, unit_cost: cost });
      return out;
    },
  }),
};

export const POSTED_PRICE_TABLES: readonly TableSpec[] = [sales];

export const POSTED_PRICE_ROUND_FIELDS: Readonly<Record<string, RoundFieldSpec>> = {
  price: { unit: 'money', definition: 'the price posted for the round' },
  missed: { unit: '1 (true) or 0 (false)', definition: 'seller rows: the seller posted nothing in time, so the default price stood' },
  demand: { unit: 'buyers', definition: 'seller rows: how many buyers (seated and simulated) wanted a unit at the price' },
  sold: { unit: 'units', definition: 'seller rows: units sold in the round' },
  unit_cost: { unit: 'money', definition: "seller rows: the seller's cost of each unit" },
  value: { unit: 'money', definition: "buyer rows: the buyer's private value of a unit this round" },
  decision: { unit: 'buy, pass or missed', definition: 'buyer rows: what the buyer chose (missed: no choice before the deadline)' },
  got: { unit: '1 (true) or 0 (false)', definition: 'buyer rows: the buyer got a unit (units may run short of demand)' },
};
