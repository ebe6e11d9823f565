/**
 * A mechanism's words explained: each mechanism folder may have `ui/glossary.ts`, a few
 * economic terms its seat page uses, each with its meaning in one plain sentence. A board
 * marks a term with <Term>; the first <Term> of a term on the page shows its meaning beside
 * it, later ones only on hover. The seat page lists the whole glossary under the rules.
 *
 * ```ts
 * // mechanisms/public-goods/ui/glossary.ts
 * export default {
 *   mpcr: { term: 'MPCR', meaning: 'how much each of you gets from each point in the group account' },
 * } satisfies Glossary;
 * ```
 */
import { getContext, setContext } from 'svelte';

export interface GlossaryEntry {
  /** The word as the page shows it ("MPCR", "reserve price"). */
  readonly term: string;
  /** What it means, in one plain sentence without a final full stop, to follow "term:". */
  readonly meaning: string;
}

/** A mechanism's glossary, by a key its board uses. */
export type Glossary = Readonly<Record<string, GlossaryEntry>>;

/**
 * Which <Term> of each term is the first on the page: each one claims a place when it is
 * made (in page order) and gives it up when it goes, so when the first goes the next one
 * shows the meaning.
 */
export class FirstUse {
  #claims = $state<Record<string, readonly number[]>>({});
  #next = 0;

  claim(term: string): number {
    const id = ++this.#next;
    this.#claims[term] = [...(this.#claims[term] ?? []), id];
    return id;
  }

  release(term: string, id: number): void {
    this.#claims[term] = (this.#claims[term] ?? []).filter((c) => c !== id);
  }

  isFirst(term: string, id: number): boolean {
    return this.#claims[term]?.[0] === id;
  }
}

const KEY = Symbol('first-use');

/** Gives the components below a fresh FirstUse (the seat's board does, so each board explains its own terms). */
export function provideFirstUse(): FirstUse {
  return setContext(KEY, new FirstUse());
}

/** The FirstUse above, or undefined (then every <Term> shows its meaning). */
export const firstUse = (): FirstUse | undefined => getContext<FirstUse | undefined>(KEY);

/** The entries of a glossary in the order written, for listing. */
export const glossaryEntries = (glossary: Glossary | undefined): readonly GlossaryEntry[] => Object.values(glossary ?? {});
