/** What each field of the matrix game's participant-round rows means (the data dictionary's entries). */
import type { RoundFieldSpec } from '../core/tables.ts';

export const MATRIX_GAME_ROUND_FIELDS: Readonly<Record<string, RoundFieldSpec>> = {
  action: { unit: 'action', definition: "the seat's action in the round" },
  missed: { unit: '1 (true) or 0 (false)', definition: 'the seat chose nothing in time (its default action was played)' },
  profile: { unit: 'actions', definition: "every seat's action in the round, in seat order", separator: '/' },
  cooperative: { unit: '1 (true) or 0 (false)', definition: 'the profile is a cooperative (welfare-maximising) one' },
  nash: { unit: '1 (true) or 0 (false)', definition: 'the profile is a pure Nash equilibrium' },
};
