/**
 * The demo arenas `npm start` opens: a classroom double-auction market, a repeated
 * first-price auction and a public goods game, each with bots playing and seats open
 * for humans (a bot stands in on each until a person takes it over). When one ends, a
 * fresh one takes its place.
 */
import type { SessionSpecInput } from '../rooms/session.ts';

export const DEMO_ARENAS: readonly SessionSpecInput[] = [
  {
    title: 'Classroom market',
    mechanism: 'double-auction',
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
  },
  {
    title: 'Repeated first-price auction',
    mechanism: 'first-price',
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
  },
  {
    title: 'Public goods game',
    mechanism: 'public-goods',
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
  },
];
