import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { ArenaConnection, type ArenaSnapshot, type ChatLine } from '../lib/arena.svelte.ts';
import Chat from './Chat.svelte';

function connectionWith(channels: ('public' | 'private' | 'coalition')[]): ArenaConnection {
  const c = new ArenaConnection('p0');
  c.arena = {
    session: 's1',
    mechanism: 'public-goods@1',
    title: 't',
    rules: '',
    status: 'running',
    alert: '',
    announcement: null,
    stateId: 1,
    phaseId: 1,
    deadline: 0,
    publicView: null,
    progress: null,
    benchmarks: {},
    communication: { channels, maxLength: 100, ratePerMinute: 12, delayMs: 0, monitored: true },
    seats: [],
    privates: {},
    measures: null,
  } satisfies ArenaSnapshot;
  return c;
}

let id = 0;
const line = (l: Partial<ChatLine>): ChatLine => ({ id: ++id, channel: 'public', from: 'p1', text: 'hi', at: 0, round: 1, ...l }) as ChatLine;

describe('Chat', () => {
  it('sends on the open thread and counts unread lines of the others', async () => {
    const c = connectionWith(['public', 'private']);
    const say = vi.spyOn(c, 'say').mockImplementation(() => undefined);
    render(Chat, { connection: c, me: 'p0', seats: ['p0', 'p1', 'p2'] });
    await fireEvent.input(screen.getByLabelText('Message'), { target: { value: 'hello all' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(say).toHaveBeenCalledWith({ channel: 'public', text: 'hello all' });

    c.chat = [line({ channel: 'private', from: 'p2', to: 'p0', text: 'psst' }), line({ channel: 'private', from: 'p2', to: 'p0', text: 'deal?' })];
    flushSync();
    const tab = screen.getByRole('tab', { name: /Private · Seat 3/ });
    expect(within(tab).getByLabelText('2 unread')).toBeTruthy();
    await fireEvent.click(tab);
    expect(screen.getByTestId('chat-lines').textContent).toContain('deal?');
    expect(within(screen.getByRole('tab', { name: /Private · Seat 3/ })).queryByLabelText(/unread/)).toBeNull();
    await fireEvent.input(screen.getByLabelText('Message'), { target: { value: 'yes' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(say).toHaveBeenLastCalledWith({ channel: 'private', to: 'p2', text: 'yes' });
  });

  it('offers a coalition invitation to accept, then opens its thread', async () => {
    const c = connectionWith(['public', 'coalition']);
    const coalition = vi.spyOn(c, 'coalition').mockImplementation(() => undefined);
    render(Chat, { connection: c, me: 'p0', seats: ['p0', 'p1', 'p2'] });
    c.coalitionNews = [{ coalition: 'c41', op: 'invite', seat: 'p0', by: 'p1', members: ['p1'], at: 0 }];
    flushSync();
    await fireEvent.click(screen.getByRole('button', { name: 'Accept' }));
    expect(coalition).toHaveBeenCalledWith({ op: 'accept', coalition: 'c41' });
    c.coalitionNews = [...c.coalitionNews, { coalition: 'c41', op: 'accept', seat: 'p0', by: 'p0', members: ['p0', 'p1'], at: 1 }];
    flushSync();
    expect(screen.queryByRole('button', { name: 'Accept' })).toBeNull();
    // A coalition is named by its number on this page and its members by name, never by id.
    expect(screen.getByRole('tab', { name: /Coalition 1/ })).toBeTruthy();
    expect(document.body.textContent).not.toContain('c41');
  });

  it('names seats as the page says (role and number, or a nickname), never by id', async () => {
    const c = connectionWith(['public', 'private']);
    const names: Record<string, string> = { p0: 'Buyer 1', p1: 'Ana', p2: 'Seller 1' };
    render(Chat, { connection: c, me: 'p0', seats: ['p0', 'p1', 'p2'], seatName: (s: string) => names[s] ?? s });
    c.chat = [line({ from: 'p1', text: 'hello' }), line({ from: 'p0', text: 'hi Ana' })];
    flushSync();
    const lines = screen.getByTestId('chat-lines').textContent ?? '';
    expect(lines).toContain('Ana hello');
    expect(lines).toContain('you hi Ana');
    expect([...document.querySelectorAll('#peer option')].map((o) => o.textContent)).toEqual(['Private chat with…', 'Ana', 'Seller 1']);
    expect(document.body.textContent).not.toMatch(/\bp[0-9]\b/);
  });

  it('shows nothing when the session has no chat', () => {
    render(Chat, { connection: connectionWith([]), me: 'p0', seats: ['p0', 'p1'] });
    expect(screen.queryByText('Chat')).toBeNull();
  });
});
