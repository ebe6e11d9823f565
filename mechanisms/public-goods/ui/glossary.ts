/** The public goods game's terms, as its seat page explains them at first use. */
import type { Glossary } from '../../../client/src/lib/glossary.svelte.ts';

export default {
  endowment: { term: 'endowment', meaning: 'the points you get each round, to keep or to put in the group account' },
  groupAccount: { term: 'group account', meaning: 'the points everyone puts in; every player gets the MPCR for each point in it' },
  mpcr: { term: 'MPCR', meaning: 'how much each of you gets from each point in the group account' },
  punishment: { term: 'punishment points', meaning: 'points you may give other players after seeing what they put in, to lower their payoff at a cost to you' },
} satisfies Glossary;
