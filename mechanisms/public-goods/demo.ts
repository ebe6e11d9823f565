/** A public goods game: one seat open for a person against conditional cooperators and a free rider. `npm start` opens it with bots playing and a bot standing in on each open seat until a person takes it over. */
import type { DemoArena } from '../core/demo.ts';

export const demo = {
  title: 'Public goods game',
  config: { rounds: 10, roundMs: 30_000, endowment: 20, mpcr: 0.5, reveal: 'individual', communication: { channels: ['public', 'private', 'coalition'] } },
  seats: [
    { kind: 'human' },
    { kind: 'bot', policy: 'conditional-cooperator', count: 2 },
    { kind: 'bot', policy: 'free-rider' },
  ],
  dropout: { policy: 'replace', graceSeconds: 30, bot: 'conditional-cooperator' },
  autoStart: true,
  standIn: true,
  public: true,
} satisfies DemoArena;
