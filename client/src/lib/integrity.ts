/**
 * What a seat page notices about its own use, for the experimenter (DESIGN: integrity
 * signals): the tab hidden or shown again, the window losing or getting focus, a paste
 * into the chat (its length, never its text), each with the time on task so far (visible
 * and focused), also every half minute while the page is in use. Nothing here blocks or warns the participant.
 */
import type { IntegrityMessage } from '../../../rooms/protocol.ts';

const TICK_MS = 30_000;

/** Starts watching; `send` gets each signal. Returns the function that stops watching. */
export function watchIntegrity(send: (signal: IntegrityMessage) => void, isChat: (target: EventTarget | null) => boolean): () => void {
  let onTask = 0;
  let since: number | null = document.visibilityState === 'visible' && document.hasFocus() ? performance.now() : null;
  const onTaskMs = (): number => Math.round(onTask + (since === null ? 0 : performance.now() - since));
  const pause = () => {
    if (since !== null) onTask += performance.now() - since;
    since = null;
  };
  const resume = () => {
    if (since === null && document.visibilityState === 'visible') since = performance.now();
  };
  const report = (signal: IntegrityMessage['signal'], extra: Partial<IntegrityMessage> = {}) => send({ signal, onTaskMs: onTaskMs(), ...extra });

  const visibility = () => {
    if (document.visibilityState === 'hidden') {
      pause();
      report('hidden');
    } else {
      if (document.hasFocus()) resume();
      report('visible');
    }
  };
  const blur = () => {
    pause();
    report('blur');
  };
  const focus = () => {
    resume();
    report('focus');
  };
  const paste = (event: ClipboardEvent) => {
    if (!isChat(event.target)) return;
    report('paste', { chars: Math.min(1_000_000, event.clipboardData?.getData('text').length ?? 0) });
  };
  // The time on task also reaches the record while nothing else happens.
  let reported = 0;
  const tick = setInterval(() => {
    const now = onTaskMs();
    if (since === null || now - reported < TICK_MS / 2) return;
    reported = now;
    report('onTask');
  }, TICK_MS);
  document.addEventListener('visibilitychange', visibility);
  window.addEventListener('blur', blur);
  window.addEventListener('focus', focus);
  document.addEventListener('paste', paste, true);
  return () => {
    clearInterval(tick);
    document.removeEventListener('visibilitychange', visibility);
    window.removeEventListener('blur', blur);
    window.removeEventListener('focus', focus);
    document.removeEventListener('paste', paste, true);
  };
}
