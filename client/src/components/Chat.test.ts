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
    const tab = screen.getByRole('tab', { name: /Private · p2/ });
    expect(within(tab).getByLabelText('2 unread')).toBeTruthy();
    await fireEvent.click(tab);
    expect(screen.getByTestId('chat-lines').textContent).toContain('deal?');
    expect(within(screen.getByRole('tab', { name: /Private · p2/ })).queryByLabelText(/unread/)).toBeNull();
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
    expect(screen.getByRole('tab', { name: /Coalition c41/ })).toBeTruthy();
  });

  it('shows nothing when the session has no chat', () => {
    render(Chat, { connection: connectionWith([]), me: 'p0', seats: ['p0', 'p1'] });
    expect(screen.queryByText('Chat')).toBeNull();
  });
});
