/** Every rejection code in plain words for the person who caused it (engine codes and the room's own). */
import type { RejectCode } from '../../../mechanisms/core/types.ts';
import type { RoomRejectCode } from '../../../rooms/protocol.ts';

const WORDS: Record<RejectCode | RoomRejectCode | 'BAD_MESSAGE' | 'NO_CONNECTION', string> = {
  INVALID_ACTION: 'That entry is not a valid action here. Check the numbers and try again.',
  UNKNOWN_SEAT: 'This seat is not part of the session.',
  STALE_STATE: 'The market moved before your action arrived. Look at the new situation and try again.',
  GAME_OVER: 'The session is over; no more actions are taken.',
  NOT_YOUR_TURN: 'You cannot act right now: wait for the next round or stage.',
  NOT_ALLOWED: 'That kind of action is not open to you at the moment.',
  OUT_OF_RANGE: 'That amount is outside the range you may choose now.',
  FORBIDDEN: 'You are not allowed to do that.',
  NOT_RUNNING: 'The session is not running (it has not started, is paused or has ended).',
  NO_DEADLINE: 'There is no round clock to advance right now.',
  RATE_LIMITED: 'You are sending messages too fast. Wait a moment.',
  NO_CHANNEL: 'That chat channel is not open in this session.',
  TOO_LARGE: 'That message is too long.',
  NO_SUCH_COALITION: 'That coalition does not exist, you are not a member, or you have no invitation to it.',
  STORE_FAILED: 'The arena could not record that, so it did not happen; the session is paused until the experimenter resumes it.',
  NO_SUCH_SEAT: 'This seat is not part of the session.',
  BAD_MESSAGE: 'The server could not read that message.',
  NO_CONNECTION: 'You are offline: the action was not sent. It will work again once reconnected.',
};

export function rejectionWords(code: string, detail?: string): string {
  const words = (WORDS as Record<string, string>)[code] ?? 'The server refused that.';
  return detail ? `${words} (${detail})` : words;
}
