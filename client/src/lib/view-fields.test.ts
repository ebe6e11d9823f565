import { describe, expect, it } from 'vitest';
import { fieldWords, viewFields } from './view-fields.ts';

describe('a view as readable fields', () => {
  it('names fields in words and leaves out ids', () => {
    const fields = viewFields({ mechanism: 'cournot', seat: 'p0', firm: 0, myQuantity: null, lastQuantities: [3, 4.5], history: [{}, {}], over: false, rival: 'p2', deadline: 12 });
    expect(fields).toEqual([
      { name: 'Firm', value: '0' },
      { name: 'My quantity', value: '–' },
      { name: 'Last quantities', value: '3, 4.5' },
      { name: 'History', value: '2 entries' },
      { name: 'Over', value: 'no' },
    ]);
    expect(JSON.stringify(fields)).not.toMatch(/p\d|cournot/);
  });

  it('turns camelCase into a sentence-case name', () => {
    expect(fieldWords('totalProfit')).toBe('Total profit');
    expect(fieldWords('last_price')).toBe('Last price');
  });
});
