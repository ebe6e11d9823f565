/** The VCG (combinatorial) auction's terms, explained at first use. */
import type { Glossary } from '../../../client/src/lib/glossary.svelte.ts';

export default {
  bundle: { term: 'bundle', meaning: 'a set of items bid on together: you win all of them or none' },
  vcg: { term: 'VCG price', meaning: 'what a winner pays: how much less the other bidders get because that winner takes part' },
} satisfies Glossary;
