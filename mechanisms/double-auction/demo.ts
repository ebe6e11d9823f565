/** A classroom market: two seats open for people (a buyer and a seller), the other traders ZI-C bots. `npm start` opens it with bots playing and a bot standing in on each open seat until a person takes it over. */
import type { DemoArena } from '../core/demo.ts';

export const demo = {
  title: 'Classroom market',
  config: {
    buyers: [[150, 130, 110], [145, 125, 105], [140, 120, 100], [135, 115, 95]],
    sellers: [[60, 80, 100], [65, 85, 105], [70, 90, 110], [75, 95, 115]],
    periods: 5,
    periodMs: 90_000,
    maxPrice: 200,
    revealSchedules: 'afterPeriod',
    communication: { channels: ['public'] },
  },
  seats: [
    { kind: 'human', role: 'buyer' },
    { kind: 'human', role: 'seller' },
    { kind: 'bot', policy: 'zi-c', role: 'buyer', count: 3 },
    { kind: 'bot', policy: 'zi-c', role: 'seller', count: 3 },
  ],
  dropout: { policy: 'replace', graceSeconds: 30, bot: 'zi-c' },
  autoStart: true,
  standIn: true,
  public: true,
} satisfies DemoArena;
