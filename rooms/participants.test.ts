import { describe, expect, it } from 'vitest';
import { Participants } from './participants.ts';

describe('Participants', () => {
  it('counts every integrity signal and says which to record, within the per-minute and per-session bounds', () => {
    const p = new Participants({ perSeat: 5, perMinute: 3 });
    const record = (at: number, onTaskMs = 0) => p.signal('p0', { signal: 'blur', onTaskMs }, at);
    expect([record(0), record(1), record(2), record(3)]).toEqual([true, true, true, false]);
    expect([record(60_000), record(60_001), record(60_002)]).toEqual([true, true, false]);
    expect(record(120_000, 9000)).toBe(false);
    expect(p.summary().p0).toMatchObject({ integrity: { blur: 8 }, unrecorded: 3, onTaskMs: 9000 });
  });

  it("times a seat's response from the moment its legal actions changed or it last acted", () => {
    const p = new Participants();
    expect(p.responseMs('p0', 5)).toBeNull();
    // The room calls offer when a seat's legal actions change (the views say when: rooms/views.ts).
    p.offer('p0', 100);
    expect(p.responseMs('p0', 1300)).toBe(1200);
    p.offer('p0', 1300);
    p.offer('p0', 2000);
    expect(p.responseMs('p0', 2500)).toBe(500);
    // A market's next order: the same legal actions, timed from the seat's previous action.
    p.acted('p0', 2500);
    expect(p.responseMs('p0', 3000)).toBe(500);
    // Acting before any decision was shown starts no clock.
    p.acted('p1', 100);
    expect(p.responseMs('p1', 200)).toBeNull();
  });

  it('keeps who holds a seat, and a bot clears it', () => {
    const p = new Participants();
    p.identify('p1', { nickname: 'Ada', label: 'S1', fields: {} });
    expect(p.nickname('p1')).toBe('Ada');
    p.identify('p1', null);
    expect(p.nickname('p1')).toBe('');
    expect(p.summary().p1).toMatchObject({ nickname: null, label: null });
  });
});
