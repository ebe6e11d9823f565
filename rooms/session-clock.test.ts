import { describe, expect, it } from 'vitest';
import { SessionClock } from './session-clock.ts';

describe('SessionClock', () => {
  it('counts running time only, jumps forward to a deadline, and maps match time to wall time', () => {
    let wall = 1_000;
    const clock = new SessionClock(0, () => wall);
    expect(clock.now()).toBe(0);
    clock.start();
    wall += 500;
    expect(clock.now()).toBe(500);
    clock.pause();
    wall += 10_000;
    expect(clock.now()).toBe(500);
    clock.resume();
    wall += 100;
    expect(clock.now()).toBe(600);
    clock.jumpTo(2000);
    expect(clock.now()).toBe(2000);
    clock.jumpTo(10);
    expect(clock.now()).toBe(2000);
    expect(clock.wallOf(clock.now())).toBe(wall);
  });

  it('a resumed session goes on from the time its record reached', () => {
    let wall = 0;
    const clock = new SessionClock(7_000, () => wall);
    expect(clock.now()).toBe(7_000);
    clock.start();
    wall += 50;
    expect(clock.now()).toBe(7_050);
  });
});
