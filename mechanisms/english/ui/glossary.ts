/** The English (ascending clock) auction's terms, explained at first use. */
import type { Glossary } from '../../../client/src/lib/glossary.svelte.ts';
import terms from '../../clock-auction/ui/terms.ts';

export default { value: terms.value, reserve: terms.reserve, clock: terms.englishClock } satisfies Glossary;
