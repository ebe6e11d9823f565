import { describe, expect, it } from 'vitest';
import { roleNames, roleWord, seatNames, seatNamesWithRole } from './seat-names.ts';

const market = [
  { seat: 'p0', role: 'buyer' },
  { seat: 'p1', role: 'buyer' },
  { seat: 'p2', role: 'buyer' },
  { seat: 'p3', role: 'seller' },
  { seat: 'p4', role: 'seller' },
];

describe('seat names', () => {
  it('number the seats of each role in seat order, from 1', () => {
    const names = seatNames(market);
    expect(['p0', 'p1', 'p2', 'p3', 'p4'].map(names)).toEqual(['Buyer 1', 'Buyer 2', 'Buyer 3', 'Seller 1', 'Seller 2']);
  });

  it('order seats by their number, not as text (p10 after p9)', () => {
    const seats = Array.from({ length: 12 }, (_, i) => ({ seat: `p${11 - i}`, role: 'bidder' }));
    const names = roleNames(seats);
    expect(names.get('p9')).toBe('Bidder 10');
    expect(names.get('p10')).toBe('Bidder 11');
    expect(names.get('p0')).toBe('Bidder 1');
  });

  it('name a role only one seat has by the role alone', () => {
    const names = seatNames([{ seat: 'p0', role: 'regulator' }, { seat: 'p1', role: 'taxpayer' }, { seat: 'p2', role: 'taxpayer' }]);
    expect(names('p0')).toBe('Regulator');
    expect(names('p2')).toBe('Taxpayer 2');
  });

  it('use the nickname where the page may show it', () => {
    const shown = seatNames([{ seat: 'p0', role: 'buyer', name: 'Ana' }, { seat: 'p1', role: 'buyer', name: '' }]);
    expect(shown('p0')).toBe('Ana');
    expect(shown('p1')).toBe('Buyer 2');
    const experimenter = seatNames(market, { p3: 'Ben', p4: null });
    expect(experimenter('p3')).toBe('Ben');
    expect(experimenter('p4')).toBe('Seller 2');
    expect(seatNamesWithRole(market, { p3: 'Ben' })('p3')).toBe('Ben (Seller 1)');
    expect(seatNamesWithRole(market)('p4')).toBe('Seller 2');
  });

  it('fall back to "Seat N" for a seat the list does not have, and to the id for other ids', () => {
    const names = seatNames(market);
    expect(names('p7')).toBe('Seat 8');
    expect(names('-')).toBe('-');
  });

  it('capitalise role words', () => {
    expect(roleWord('buyer')).toBe('Buyer');
    expect(roleWord('')).toBe('Seat');
    expect(roleWord('market_maker')).toBe('Market maker');
  });
});
