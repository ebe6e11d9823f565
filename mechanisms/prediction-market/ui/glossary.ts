/** The prediction market's terms, explained at first use. */
import type { Glossary } from '../../../client/src/lib/glossary.svelte.ts';

export default {
  signal: { term: 'signal', meaning: 'a private hint about which outcome is true; it can be wrong' },
  share: { term: 'share', meaning: 'a claim that pays 1 if its outcome happens and nothing otherwise' },
  price: { term: 'price', meaning: 'what one more share costs now; it can be read as the chance the market gives that outcome' },
} satisfies Glossary;
