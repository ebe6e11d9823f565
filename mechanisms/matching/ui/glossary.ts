/** The school matching market's terms, explained at first use. */
import type { Glossary } from '../../../client/src/lib/glossary.svelte.ts';

export default {
  list: { term: 'ranking', meaning: 'your list of choices, most preferred first; the matching reads it in that order' },
  capacity: { term: 'seats', meaning: 'how many students a school can admit' },
  priority: { term: 'priority', meaning: 'the order in which a school takes students when more apply than it has seats' },
} satisfies Glossary;
