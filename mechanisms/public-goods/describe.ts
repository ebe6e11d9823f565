/** A player's view as text, for LLM prompts and logs: the payoff rule, the open stage, the last five rounds. */
import { tidy } from './payoffs.ts';
import type { PlayerView } from './views.ts';

/** An amount as text, without float noise. */
export const num = (x: number): string => String(tidy(x));
const points = (x: number): string => `${num(x)} point${x === 1 ? '' : 's'}`;

export function describeView(view: PlayerView): string {
  const lines = [
    `You are player ${view.seat} of ${view.players} in a public goods game, round ${view.round} of ${view.rounds}.`,
    `Round payoff: endowment - your contribution + ${view.mpcr} x (sum of all contributions)${view.punishment ? ' - cost of points you assign - effect of points you receive' : ''}.`,
  ];
  if (view.stage === 'contribute') {
    lines.push(
      view.myContribution === null
        ? `Your endowment this round is ${num(view.endowment)}. Contribute between 0 and ${num(view.endowment)}${view.contributionStep > 0 ? ` in steps of ${view.contributionStep}` : ''}.`
        : `You contributed ${num(view.myContribution)} of ${num(view.endowment)}; waiting for the others (${view.contributionsIn} of ${view.players} in).`,
    );
  } else if (view.stage === 'punish' && view.current && view.punishment) {
    const p = view.punishment;
    const shown = view.current.contributions ? Object.entries(view.current.contributions).map(([s, c]) => `${s}${s === view.seat ? ' (you)' : ''}: ${num(c)}`) : [];
    lines.push(`Contributions this round (total ${num(view.current.total)}, average ${num(view.current.average)}): ${shown.join(', ')}.`);
    lines.push(`You earned ${num(view.myEarnings ?? 0)} before punishment.`);
    lines.push(
      view.myPunishment === null
        ? `Punishment stage: assign up to ${p.maxPointsPerTarget} points to each other player; each costs you ${p.costPerPoint} and takes ${p.effectPerPoint} from its target. You may assign none.`
        : `You assigned ${Object.keys(view.myPunishment).length ? JSON.stringify(view.myPunishment) : 'no points'}; waiting for the others (${view.punishmentsIn} of ${view.players} in).`,
    );
  }
  for (const r of view.history.slice(-5)) {
    const group = `group total ${num(r.group.total)}, average ${num(r.group.average)}`;
    const by = r.punishedBy && Object.keys(r.punishedBy).length ? ` from ${Object.entries(r.punishedBy).map(([s, k]) => `${s}: ${num(k)}`).join(', ')}` : '';
    const punished = view.punishment ? `, you assigned ${points(r.pointsGiven)} (cost ${num(r.punishmentCost)}) and received ${points(r.pointsReceived)}${by} (loss ${num(r.punishmentLoss)})` : '';
    lines.push(`Round ${r.round}: endowment ${num(r.endowment)}, you contributed ${r.missed ? '0 (missed the deadline)' : num(r.contribution)}, ${group}, earnings ${num(r.earnings)}${punished}, payoff ${num(r.payoff)}.`);
  }
  lines.push(`Your total payoff so far: ${num(view.totalPayoff)}.`);
  return lines.join('\n');
}
