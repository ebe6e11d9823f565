/** A repeated first-price auction: one seat open for a person against equilibrium, shading and truthful bidders. `npm start` opens it with bots playing and a bot standing in on each open seat until a person takes it over. */
import type { DemoArena } from '../core/demo.ts';

export const demo = {
  title: 'Repeated first-price auction',
  config: { rounds: 20, roundMs: 20_000, values: { kind: 'uniformInt', low: 0, high: 100 }, bidStep: 1, reveal: 'allBids', communication: { channels: ['public', 'private'] } },
  seats: [
    { kind: 'human' },
    { kind: 'bot', policy: 'equilibrium', count: 2 },
    { kind: 'bot', policy: 'shader', params: { fraction: 0.7 } },
    { kind: 'bot', policy: 'truthful' },
  ],
  dropout: { policy: 'replace', graceSeconds: 30, bot: 'equilibrium' },
  autoStart: true,
  standIn: true,
  public: true,
} satisfies DemoArena;
