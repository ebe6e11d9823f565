import { describe, expect, it } from 'vitest';
import { Budgets, type BudgetLimits } from './budget.ts';

const limits: BudgetLimits = { messageBurst: 3, messagesPerSecond: 2, refusalBurst: 2, refusalsPerSecond: 1, coolDownMs: 1000, maxCoolDownMs: 3000 };

describe('Budgets', () => {
  it('allows a burst of messages, then the rate; the budget is the seat\'s, whatever connection it uses', () => {
    const b = new Budgets(limits);
    expect([1, 2, 3, 4].map(() => b.message('p0', 0))).toEqual([true, true, true, false]);
    expect(b.message('p1', 0)).toBe(true);
    expect(b.message('p0', 499)).toBe(false);
    expect(b.message('p0', 500)).toBe(true);
  });

  it('counts refusals past the recording budget by code and hands them over in one summary when the budget allows', () => {
    const b = new Budgets(limits);
    expect([b.recordRefusal('p0', 'X', 0), b.recordRefusal('p0', 'X', 0), b.recordRefusal('p0', 'X', 0), b.recordRefusal('p0', 'Y', 0)]).toEqual([true, true, false, false]);
    expect(b.suppressedKeys()).toEqual(['p0']);
    expect(b.takeSuppressed('p0', 0)).toBeNull();
    expect(b.takeSuppressed('p0', 1000)).toEqual({ X: 1, Y: 1 });
    expect(b.suppressedKeys()).toEqual([]);
  });

  it('cools a seat down after an abusive close, doubling with each repeat up to the cap', () => {
    const b = new Budgets(limits);
    expect(b.coolingDown('p0', 0)).toBe(0);
    expect(b.abused('p0', 0)).toBe(1000);
    expect(b.coolingDown('p0', 400)).toBe(600);
    expect(b.abused('p0', 2000)).toBe(2000);
    expect(b.abused('p0', 5000)).toBe(3000);
    expect(b.coolingDown('p0', 8000)).toBe(0);
  });
});
