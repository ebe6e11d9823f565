/** The public goods game's rules in plain words, for humans and LLMs. */
import { support } from '../core/policy.ts';
import { isDrawn, meanEndowment, type PublicGoodsConfig } from './config.ts';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function endowmentText(c: PublicGoodsConfig): string {
  const e = c.endowment;
  if (!isDrawn(e)) return `At the start of every round each player receives an endowment of ${e} points.`;
  const { low, high } = support(e);
  const how = e.kind === 'discrete' ? `drawn at random from ${e.values.join(', ')}` : `drawn at random between ${low} and ${high}${e.kind === 'uniformInt' ? ' (whole numbers)' : ''}`;
  return [
    `Each player's endowment is ${how}, independently for each player (on average ${meanEndowment(c)}).`,
    c.freshEndowments ? 'Endowments are drawn afresh every round.' : 'Your endowment stays the same in every round.',
    c.revealEndowments ? "Only you know your endowment while you decide; everyone's endowments are shown when the round's contributions are revealed." : 'Only you know your endowment.',
  ].join(' ');
}

function punishmentText(c: PublicGoodsConfig): string[] {
  const p = c.punishment;
  if (!p) return [];
  const step = p.pointStep > 0 ? ` in steps of ${p.pointStep}` : '';
  const total = p.maxPointsTotal === null ? '' : `, and at most ${p.maxPointsTotal} points in all`;
  return [
    `After the contributions are revealed there is a punishment stage: you may assign points to any other player${step}, at most ${p.maxPointsPerTarget} to each${total}. Assigning no points at all is allowed.`,
    `Each point you assign costs you ${p.costPerPoint} and takes ${p.effectPerPoint} from the player who receives it. You cannot spend more on punishment than you earned in the contribution stage of that round.`,
    'Punishment received can make a round\'s payoff negative.',
    p.revealPunishers ? 'After the punishment stage you learn who assigned you points and how many.' : 'After the punishment stage you learn only how many points you received in all, not from whom.',
    p.stageMs === null ? 'The punishment stage closes once everyone has submitted.' : `The punishment stage closes once everyone has submitted or after ${p.stageMs / 1000} seconds; a player who has not submitted by then assigns no points.`,
  ];
}

export function publicGoodsRules(c: PublicGoodsConfig): string {
  const step = c.contributionStep > 0 ? ` in steps of ${c.contributionStep}` : '';
  return [
    `You play ${plural(c.rounds, 'round')} of a public goods game in a group.`,
    endowmentText(c),
    `Each round every player decides how much of their endowment to contribute to a public account${step}; the rest they keep. Nobody sees the others' contributions while deciding.`,
    `Everything in the public account is multiplied so that each unit pays ${c.mpcr} to every player, contributor or not. Your round payoff is: endowment - your contribution + ${c.mpcr} x (sum of all contributions). So each point you keep is worth 1 to you, and each point you contribute is worth ${c.mpcr} to you and ${c.mpcr} to every other player.`,
    c.roundMs === null ? 'The contribution stage closes once everyone has contributed.' : `The contribution stage closes once everyone has contributed or after ${c.roundMs / 1000} seconds; a player who has not contributed by then contributes 0.`,
    c.reveal === 'individual' ? "When the contribution stage closes everyone sees each player's contribution." : 'When the contribution stage closes everyone learns only the total (and average) contribution of the group, never who gave what.',
    ...punishmentText(c),
    'Your total payoff is the sum of your round payoffs.',
  ].join('\n');
}
