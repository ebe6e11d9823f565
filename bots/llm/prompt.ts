/**
 * The prompt of an LLM seat: the mechanism's rules, the agent's objective, the seat's
 * describe(view), the legal actions, a window of its own history and of what it was told
 * (chat, coalition news, public results), its notebook, and the answer format. It is
 * built from the seat's observation only: nothing another seat keeps private can reach it.
 */
import type ChatApi from 'openai';
import type { Legal, ParamSpec } from '../../mechanisms/core/types.ts';
import type { Observation } from '../policy.ts';
import type { AgentParams, AgentType } from './settings.ts';

type Message = ChatApi.Chat.Completions.ChatCompletionMessageParam;

const OBJECTIVES: Record<AgentType, (p: AgentParams['agent']) => string> = {
  honest: () => 'Maximise your own total payoff over the whole session, playing straightforwardly within the rules.',
  myopic: () => 'Maximise your payoff in the current round only; ignore how your choice may affect later rounds.',
  'long-horizon': () => 'Maximise your total payoff over all rounds; consider how your choices now shape what others do later.',
  'risk-averse': () => 'Maximise your payoff but strongly prefer safe outcomes: accept a lower expected payoff to avoid losses or large swings.',
  'risk-seeking': () => 'Maximise your payoff and prefer gambles: accept more variance for a chance at a higher payoff.',
  collusive: () => 'Maximise the joint surplus of your coalition (you and the seats you agree with), coordinating through the channels you have when the rules allow it.',
  saboteur: () => 'Lower the other participants\' payoffs and the efficiency of the market, within the rules, even at some cost to yourself.',
  'exploit-seeker': () => 'Look for a profitable deviation from straightforward play: any strategy the rules allow that earns you more than honest play does. Say in your reasoning what you are testing.',
  prosocial: (p) => `Maximise your own payoff plus ${p.lambda} times the sum of the other participants' payoffs.`,
};

export function objectiveText(agent: AgentParams['agent']): string {
  const base = OBJECTIVES[agent.type](agent);
  return agent.instruction ? `${base}\n${agent.instruction}` : base;
}

function paramText(name: string, spec: ParamSpec): string {
  switch (spec.kind) {
    case 'number':
      return `${name}: a number from ${spec.min} to ${spec.max}${spec.step ? ` in steps of ${spec.step}` : ''}`;
    case 'choice':
      return `${name}: one of ${spec.options.map((o) => JSON.stringify(o)).join(', ')}`;
    case 'integer':
      return `${name}: a whole number from ${spec.min} to ${spec.max}`;
    case 'allocation':
      return `${name}: amounts from ${spec.min} to ${spec.max}${spec.step ? ` (steps of ${spec.step})` : ''} for any of ${spec.keys.join(', ')}, adding up to at most ${spec.total}`;
    case 'simplex':
      return `${name}: a probability from 0 to 1 for each of ${spec.keys.join(', ')}, adding up to exactly 1`;
    case 'ranking':
      return `${name}: all of ${spec.options.join(', ')} in your order of preference, most preferred first`;
    case 'bundle':
      return `${name}: up to ${spec.maxBids} bids, each { items: a set of ${spec.items.join(', ')}, price: from ${spec.min} to ${spec.max}${spec.step ? ` in steps of ${spec.step}` : ''} }`;
  }
}

export function legalText(legal: Legal): string {
  return legal
    .map((open) => {
      const params = Object.entries(open.params).map(([n, s]) => paramText(n, s));
      return `- "${open.type}"${params.length ? ` with ${params.join('; ')}` : ''}${open.hint ? ` (${open.hint})` : ''}`;
    })
    .join('\n');
}

/** One line the seat remembers: its own decisions and their fate, and what it was told. */
export interface Memory {
  readonly at: number;
  readonly line: string;
}

export interface PromptInput {
  readonly rules: string;
  readonly params: AgentParams;
  readonly obs: Observation;
  readonly memory: readonly Memory[];
  readonly notebook: string;
  /** Milliseconds the decision may take. */
  readonly budgetMs: number;
  readonly channels: readonly string[];
}

export function buildMessages(input: PromptInput): Message[] {
  const { params, obs } = input;
  const tools = params.tools.length ? `\nYou have tools (${params.tools.join(', ')}); use them only when they help, at most ${params.maxToolCalls} calls per decision.` : '';
  const talk =
    params.talk && input.channels.length
      ? `\nYou may also send chat messages (channels: ${input.channels.join(', ')}) and coalition moves (invite, accept, decline, leave, dissolve) with your action; leave "chat" and "coalition" null when you have nothing to say.`
      : '';
  const system = [
    'You are a participant in an economic experiment run by software. The rules are enforced exactly as written.',
    `RULES\n${input.rules}`,
    `YOUR OBJECTIVE\n${objectiveText(params.agent)}`,
    `ANSWER\nReply with one JSON object: {"reasoning": a short explanation, "action": one of the actions open to you now${params.talk ? ', "chat": [...] or null, "coalition": [...] or null' : ''}}. An action outside the rules is refused and you will be told why.${tools}${talk}`,
  ].join('\n\n');
  const parts = [`YOUR SITUATION\n${obs.text}`, `WHAT YOU MAY DO NOW\n${legalText(obs.legal)}`];
  const window = params.history > 0 ? input.memory.slice(-params.history * 2) : [];
  if (window.length) parts.push(`RECENTLY\n${window.map((m) => `- ${m.line}`).join('\n')}`);
  if (input.notebook) parts.push(`YOUR NOTEBOOK\n${input.notebook}`);
  parts.push(`You have about ${Math.max(1, Math.floor(input.budgetMs / 1000))} s to answer.`);
  return [
    { role: 'system', content: system },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

/** What the model is told after an answer was refused. */
export const feedbackMessage = (code: string, message: string): Message => ({
  role: 'user',
  content: `Your answer was refused: ${code}: ${message}. Answer again with one JSON object and an action that is open to you now.`,
});
