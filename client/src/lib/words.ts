/** Words for the codes a page would otherwise show as they are stored. */

const STATUS: Readonly<Record<string, string>> = {
  lobby: 'waiting to start',
  running: 'running',
  paused: 'paused',
  ended: 'finished',
  interrupted: 'interrupted',
};

/** A session's status in words ('lobby' → 'waiting to start'). */
export const statusWords = (status: string): string => STATUS[status] ?? status;

/** A mechanism id as a fallback title ('double-auction@1' → 'Double auction'), for when its title is not at hand. */
export function mechanismWords(key: string): string {
  const id = (key.split('@')[0] ?? key).replace(/-/g, ' ');
  return id ? id[0]!.toUpperCase() + id.slice(1) : 'A market game';
}
