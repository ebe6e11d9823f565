import { describe, expect, it } from 'vitest';
import { codeParts, fallbackWords } from './llm-seats.ts';

describe('the seat monitor', () => {
  it('says how many of an LLM seat\'s decisions its fallback made', () => {
    expect(fallbackWords(undefined)).toBe('no decisions yet');
    expect(fallbackWords({ decisions: 1, fallbacks: 0, lastFallback: null })).toBe('1 decision, none by the fallback');
    expect(fallbackWords({ decisions: 9, fallbacks: 2, lastFallback: 'deadline reached' })).toBe('2 of 9 decisions by the fallback');
  });
});

describe('server messages', () => {
  it('show the names in backticks as code', () => {
    expect(codeParts('unknown key `reserv`; did you mean `reserve`?')).toEqual([
      { text: 'unknown key ', code: false },
      { text: 'reserv', code: true },
      { text: '; did you mean ', code: false },
      { text: 'reserve', code: true },
      { text: '?', code: false },
    ]);
    expect(codeParts('plain')).toEqual([{ text: 'plain', code: false }]);
  });
});
