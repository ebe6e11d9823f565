/** The forecasting (scoring rule) task's terms, explained at first use. */
import type { Glossary } from '../../../client/src/lib/glossary.svelte.ts';

export default {
  signal: { term: 'signal', meaning: 'a private hint: the true answer as often as your accuracy says, another answer otherwise' },
  forecast: { term: 'forecast', meaning: 'the probability you give each answer: the more of it on the true answer, the more the scoring rule pays you' },
  reputation: { term: 'reputation', meaning: 'how well your forecasts scored so far; in some sessions the next tasks go to the agents with the highest' },
} satisfies Glossary;
