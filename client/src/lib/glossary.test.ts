/**
 * The glossaries: every mechanism folder with a seat board has ui/glossary.ts, each entry a
 * term and one plain sentence; every term a board marks with <Term> is in its glossary;
 * the client registry serves them by id; and the first <Term> of a term on a page is the one
 * that explains it (the next takes over when it goes).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import { render, screen } from '@testing-library/svelte';
import { moduleSource, scanMechanismUi } from '../../mechanism-ui.ts';
import { FirstUse, glossaryEntries, type Glossary } from './glossary.svelte.ts';
import Term from '../components/Term.svelte';

const ui = scanMechanismUi();
const load = async (file: string) => ((await import(/* @vite-ignore */ file)) as { default: Glossary }).default;

describe('mechanism glossaries', () => {
  it('exist for every mechanism with a board, and list plain terms with one-sentence meanings', async () => {
    const withBoard = ui.filter((m) => m.files.board);
    expect(withBoard.length).toBeGreaterThanOrEqual(14);
    for (const m of withBoard) expect(m.files.glossary, `${m.id} has ui/glossary.ts`).toBeDefined();
    for (const m of ui.filter((x) => x.files.glossary)) {
      const entries = glossaryEntries(await load(m.files.glossary as string));
      expect(entries.length, m.id).toBeGreaterThan(0);
      for (const e of entries) {
        expect(e.term.trim(), m.id).toBe(e.term);
        expect(e.term.length, `${m.id}: ${e.term}`).toBeLessThanOrEqual(30);
        // One sentence, to follow "term (…)": no final stop, no code words, no seat ids.
        expect(e.meaning, `${m.id}: ${e.term}`).toMatch(/^[a-z].{10,160}[^.]$/);
        expect(e.meaning, `${m.id}: ${e.term}`).not.toMatch(/\bp\d+\b|@\d|[{}`_]/);
      }
    }
  });

  it('have every term the boards mark', async () => {
    let marked = 0;
    for (const m of ui.filter((x) => x.files.board)) {
      const source = readFileSync(m.files.board as string, 'utf8');
      const glossary = await load(m.files.glossary as string);
      for (const [, key] of source.matchAll(/<Term entry=\{glossary\.(\w+)\}/g)) {
        expect(glossary[key as string], `${m.id}: glossary.${key}`).toBeDefined();
        marked++;
      }
    }
    expect(marked).toBeGreaterThan(20);
  });

  it('are served by the client registry by mechanism id', () => {
    const source = moduleSource('glossaries', ui);
    expect(source).toContain('export const glossaries = {');
    expect(source).toMatch(/"public-goods": glossary\d+,/);
    expect(source).not.toMatch(/import\(/);
  });

  it('explain MPCR in the words of the public goods game', async () => {
    const pg = ui.find((m) => m.id === 'public-goods');
    const glossary = await load(pg?.files.glossary as string);
    expect(glossary.mpcr).toEqual({ term: 'MPCR', meaning: 'how much each of you gets from each point in the group account' });
  });
});

describe('first use', () => {
  it('is the first claim of a term; the next one takes over when it goes', () => {
    const seen = new FirstUse();
    const a = seen.claim('MPCR');
    const b = seen.claim('MPCR');
    const c = seen.claim('endowment');
    expect([seen.isFirst('MPCR', a), seen.isFirst('MPCR', b), seen.isFirst('endowment', c)]).toEqual([true, false, true]);
    seen.release('MPCR', a);
    expect(seen.isFirst('MPCR', b)).toBe(true);
  });

  it('shows the meaning beside a <Term> (no page tracker: each explains itself)', () => {
    render(Term, { entry: { term: 'MPCR', meaning: 'how much each of you gets from each point in the group account' } });
    flushSync();
    expect(screen.getByText('MPCR').getAttribute('title')).toBe('how much each of you gets from each point in the group account');
    expect(screen.getByTestId('term-meaning').textContent).toBe('(how much each of you gets from each point in the group account)');
  });
});
