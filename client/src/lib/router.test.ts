import { describe, expect, it } from 'vitest';
import { pageOf, replayHref } from './router.svelte.ts';

describe('the replay route', () => {
  it('takes a match id with slashes, written as they are or encoded, and the event of ?at=', () => {
    expect(pageOf('/replay/study/treatment/3', '?at=12')).toEqual({ name: 'replay', match: 'study/treatment/3', at: 12 });
    expect(pageOf('/replay/study%2Ftreatment%2F3', '?at=0')).toEqual({ name: 'replay', match: 'study/treatment/3', at: 0 });
    expect(pageOf('/replay/s1a2b3c4')).toEqual({ name: 'replay', match: 's1a2b3c4', at: null });
    expect(pageOf('/replay/s1a2b3c4', '?at=-2')).toMatchObject({ at: null });
    expect(pageOf('/replay/s1a2b3c4', '?at=x')).toMatchObject({ at: null });
    expect(pageOf('/replay')).toMatchObject({ name: 'missing' });
  });

  it('links to a record at an event', () => {
    expect(replayHref('study/a b/3', 7)).toBe('/replay/study/a%20b/3?at=7');
    expect(pageOf('/replay/study/a%20b/3', '?at=7')).toEqual({ name: 'replay', match: 'study/a b/3', at: 7 });
    expect(replayHref('s1a2b3c4')).toBe('/replay/s1a2b3c4');
  });
});

describe('the results routes', () => {
  it("opens a session's debrief and payment list, and nothing under them", () => {
    expect(pageOf('/debrief/s1a2b3c4')).toEqual({ name: 'debrief', session: 's1a2b3c4' });
    expect(pageOf('/payments/s1a2b3c4')).toEqual({ name: 'payments', session: 's1a2b3c4' });
    expect(pageOf('/debrief')).toMatchObject({ name: 'missing' });
    expect(pageOf('/payments/s1a2b3c4/more')).toMatchObject({ name: 'missing' });
  });
});
