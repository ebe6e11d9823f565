/**
 * The end of a session over HTTP against a real server: the class's debrief, a seat's own
 * results and the payment list are refused before the end (and without the right token),
 * open after it; the debrief carries no seat's values, costs, payoffs or name, and the
 * equilibrium only when the market revealed its schedules; the payment CSV converts
 * points at the rate asked, with the show-up fee for each person (a bot that stood in is listed apart, unpaid).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@colyseus/sdk';
import { createSession, startTestServer, type JoinInfo, type TestServer } from './helpers.ts';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t?.close();
});

// Values and costs off the price grid (whole numbers): a trade price never spells one.
const VALUES = [
  [191.37, 171.37, 151.37],
  [181.73, 141.73, 121.73],
];
const COSTS = [
  [21.19, 51.19, 81.19],
  [31.91, 61.91, 111.91],
];
const PERSON = { nickname: 'Zebra Quill', label: '=S1234', fields: { PROLIFIC_PID: 'PPID5f9a' } };
const PRIVATE = [...VALUES.flat(), ...COSTS.flat()].map(String).concat(['Zebra', 'S1234', 'PPID5f9a']);

const market = (revealSchedules: 'never' | 'afterPeriod') => ({
  title: 'Results check',
  mechanism: 'double-auction',
  config: { buyers: VALUES, sellers: COSTS, periods: 2, periodMs: 400, maxPrice: 200, revealSchedules },
  seats: [
    { kind: 'human', role: 'buyer' },
    { kind: 'bot', policy: 'zi-c', count: 3 },
  ],
  autoStart: true,
  completion: { code: 'C0DE42', redirect: 'https://app.prolific.com/submissions/complete?cc=C0DE42' },
});

async function ended(info: JoinInfo): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const res = await t.api('GET', `/api/sessions/${info.session}`, undefined, true);
    if ((res.body as { status: string }).status === 'ended') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the session did not end');
}

const withToken = async (path: string, token: string) => {
  const res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

interface Period {
  period: number;
  prices: number[];
  quantity: number;
  equilibrium: { quantity: number; priceLow: number; priceHigh: number } | null;
  efficiency: number | null;
}

describe('results of a market that never reveals its schedules', () => {
  let info: JoinInfo;
  let seatToken: string;

  beforeAll(async () => {
    info = await createSession(t, { ...market('never'), autoStart: false });
    const join = await t.api('POST', '/api/join', { code: info.seats[0]?.code });
    seatToken = (join.body as { token: string }).token;
    const room = await new Client(t.url).joinById(info.roomId, { token: seatToken, participant: PERSON });
    t.rooms.push(room);
  });

  it('refuses the debrief and the seat results before the end, and payments without the token', async () => {
    const early = await t.api('GET', `/api/sessions/${info.session}/results`);
    expect(early.status).toBe(409);
    expect((early.body as { error: string }).error).toMatch(/once the session has ended/);
    expect((await withToken(`/api/sessions/${info.session}/results/mine`, seatToken)).status).toBe(409);
    // The experimenter sees the results as they stand.
    expect((await t.api('GET', `/api/sessions/${info.session}/results`, undefined, true)).status).toBe(200);
    expect((await t.api('GET', `/api/sessions/${info.session}/payments`)).status).toBe(401);
    expect((await t.api('GET', `/api/sessions/${info.session}/payments.csv`)).status).toBe(401);
    expect((await t.api('GET', `/api/sessions/${info.session}/payments?rate=lots`, undefined, true)).status).toBe(400);
    expect((await t.api('GET', `/api/sessions/${info.session}/payments?rate=1&tip=2`, undefined, true)).status).toBe(400);
    expect((await t.api('GET', `/api/sessions/${info.session}/results?x=1`)).status).toBe(400);
    expect((await t.api('GET', '/api/sessions/snosuchsession/results')).status).toBe(404);
  });

  it('opens a public debrief at the end with prices and quantities, and nothing private', async () => {
    expect((await t.api('POST', `/api/sessions/${info.session}/control`, { op: 'start' }, true)).status).toBe(200);
    await ended(info);
    const res = await t.api('GET', `/api/sessions/${info.session}/results`);
    expect(res.status).toBe(200);
    const body = res.body as { unit: string; rounds: { totalPayoff: unknown }[]; market: { periods: Period[]; equilibriumPublic: boolean }; final: { publicView: { over: boolean } } };
    expect(body.unit).toBe('period');
    expect(body.market.periods.map((p) => p.period)).toEqual([1, 2]);
    expect(body.market.equilibriumPublic).toBe(false);
    for (const p of body.market.periods) {
      expect(p.quantity).toBe(p.prices.length);
      expect(p.equilibrium).toBeNull();
      expect(p.efficiency).toBeNull();
    }
    expect(body.rounds.every((r) => r.totalPayoff === null)).toBe(true);
    expect(body.final.publicView.over).toBe(true);
    for (const secret of PRIVATE) expect(res.text).not.toContain(secret);
    expect(res.text).not.toMatch(/payoff":\d|nickname|schedule/);

    // Positive control: the experimenter's results carry the equilibrium and every seat's earnings.
    const full = await t.api('GET', `/api/sessions/${info.session}/results`, undefined, true);
    const fb = full.body as { market: { periods: Period[] }; earnings: { seat: string; total: number }[] };
    expect(fb.market.periods[0]?.equilibrium?.quantity).toBeGreaterThan(0);
    expect(fb.earnings.map((e) => e.seat)).toEqual(['p0', 'p1', 'p2', 'p3']);
  });

  it("gives a seat its own earnings and the completion code, and no one else's", async () => {
    const mine = await withToken(`/api/sessions/${info.session}/results/mine`, seatToken);
    expect(mine.status).toBe(200);
    expect(mine.body.seat).toBe('p0');
    expect(mine.body.completion).toEqual({ code: 'C0DE42', redirect: 'https://app.prolific.com/submissions/complete?cc=C0DE42' });
    expect((mine.body.rounds as unknown[]).length).toBe(2);
    expect((await t.api('GET', `/api/sessions/${info.session}/results/mine`)).status).toBe(401);
    expect((await withToken(`/api/sessions/${info.session}/results/mine`, info.experimenterToken)).status).toBe(401);
  });

  it('lists payments at the rate asked, as JSON and CSV', async () => {
    const json = await t.api('GET', `/api/sessions/${info.session}/payments?rate=0.1&showUpFee=5&currency=GBP`, undefined, true);
    expect(json.status).toBe(200);
    const rows = (json.body as { rows: { seat: string; holder: string; points: number; earnings: number; showUpFee: number; total: number }[] }).rows;
    expect(rows.map((r) => `${r.seat} ${r.holder}`)).toEqual(['p0 human', 'p1 bot (zi-c)', 'p2 bot (zi-c)', 'p3 bot (zi-c)']);
    expect(rows[0]).toMatchObject({ nickname: 'Zebra Quill', label: '=S1234', panelId: 'PPID5f9a' });
    for (const r of rows) {
      expect(r.earnings).toBeCloseTo(r.holder.includes('human') ? Math.max(0, r.points) * 0.1 : 0, 2);
      expect(r.showUpFee).toBe(r.holder.includes('human') ? 5 : 0);
      expect(r.total).toBeCloseTo(r.earnings + r.showUpFee, 2);
    }
        const csv = await t.api('GET', `/api/sessions/${info.session}/payments.csv?rate=0.1&showUpFee=5&currency=GBP`, undefined, true);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('seat,role,nickname,label,panel_id,holder,points,rate,earnings,show_up_fee,total,currency');
    expect(lines).toHaveLength(5);
    // A label typed as a formula stays text in a spreadsheet.
    expect(lines[1]).toMatch(/^p0,buyer,Zebra Quill,'=S1234,PPID5f9a,human,[-\d.]+,0\.1,[\d.]+,5,[\d.]+,GBP$/);
  });
});

describe('results of a market that reveals each period', () => {
  it('shows the equilibrium and the efficiency of each period to the class', async () => {
    const info = await createSession(t, market('afterPeriod'));
    await ended(info);
    const res = await t.api('GET', `/api/sessions/${info.session}/results`);
    expect(res.status).toBe(200);
    const periods = (res.body as { market: { periods: Period[]; equilibriumPublic: boolean } }).market;
    expect(periods.equilibriumPublic).toBe(true);
    for (const p of periods.periods) {
      expect(p.equilibrium).toMatchObject({ quantity: expect.any(Number) as number });
      if (p.quantity > 0) expect(p.efficiency).toBeGreaterThan(0);
    }
    // Revealed schedules are public by then; each seat's payoff still is not.
    expect(res.text).not.toMatch(/payoff":\d|earnings/);
  });
});

describe('results of an auction', () => {
  it('gives the class the final public view round by round, without payoffs', async () => {
    const info = await createSession(t, {
      title: 'Auction results',
      mechanism: 'first-price',
      config: { rounds: 3, roundMs: 300, values: { kind: 'uniform', low: 0, high: 100 }, reveal: 'winningPrice' },
      seats: [{ kind: 'bot', policy: 'truthful', count: 3 }],
      autoStart: true,
    });
    await ended(info);
    const res = await t.api('GET', `/api/sessions/${info.session}/results`);
    expect(res.status).toBe(200);
    const body = res.body as { unit: string; market: unknown; rounds: { round: number; participants: number; totalPayoff: unknown }[]; final: { publicView: unknown } };
    expect(body.unit).toBe('round');
    expect(body.market).toBeNull();
    expect(body.rounds.map((r) => [r.round, r.participants, r.totalPayoff])).toEqual([
      [1, 3, null],
      [2, 3, null],
      [3, 3, null],
    ]);
    expect(body.final.publicView).not.toBeNull();
    // The bids were the values (truthful bidders): the class sees the winning bids the auction revealed, no other.
    const full = await t.api('GET', `/api/sessions/${info.session}/export.jsonl`, undefined, true);
    const values = full.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; data: { rows?: { fields: Record<string, unknown> }[] } })
      .filter((e) => e.kind === 'round_record')
      .flatMap((e) => (e.data.rows ?? []).map((r) => r.fields.value))
      .filter((v): v is number => typeof v === 'number' && !Number.isInteger(v));
    expect(values.length).toBeGreaterThan(0);
    const winning = new Set(JSON.stringify(body.final.publicView).match(/\d+\.\d+/g) ?? []);
    const losing = values.filter((v) => !winning.has(String(v)));
    for (const v of losing) expect(res.text).not.toContain(String(v));
  });
});
