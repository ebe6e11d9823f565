/** What each field of the public-goods game's participant-round rows means (the data dictionary's entries). */
import type { RoundFieldSpec } from '../core/tables.ts';

export const PUBLIC_GOODS_ROUND_FIELDS: Readonly<Record<string, RoundFieldSpec>> = {
  endowment: { unit: 'points', definition: "the player's endowment for the round" },
  contribution: { unit: 'points', definition: 'points the player put into the group account' },
  missed: { unit: '1 (true) or 0 (false)', definition: 'the player chose no contribution in time (counted as 0)' },
  group_total: { unit: 'points', definition: "the group's total contribution" },
  group_average: { unit: 'points', definition: "the group's average contribution" },
  earnings: { unit: 'points', definition: 'the kept endowment plus the share of the group account, before punishment' },
  punishment_given: { unit: 'punishment points', definition: 'punishment points the player assigned to others (0 without a punishment stage)' },
  punishment_cost: { unit: 'points', definition: 'what assigning them cost the player' },
  punishment_received: { unit: 'punishment points', definition: 'punishment points the others assigned to the player' },
  punishment_loss: { unit: 'points', definition: 'what the points received cost the player' },
  missed_punishment: { unit: '1 (true) or 0 (false)', definition: 'the player assigned no punishment in time' },
};
