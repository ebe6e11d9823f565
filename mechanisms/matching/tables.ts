/** What each field of the matching market's participant-round rows means (the data dictionary's entries). */
import type { RoundFieldSpec } from '../core/tables.ts';

export const MATCHING_ROUND_FIELDS: Readonly<Record<string, RoundFieldSpec>> = {
  list: { unit: 'option names', definition: 'the ranking the seat reported, most preferred first (a student ranks schools, a school students)', separator: '>' },
  true_order: { unit: 'option names', definition: "the seat's true preference order, most preferred first", separator: '>' },
  truthful: { unit: '1 (true) or 0 (false)', definition: 'the reported ranking is the true order' },
  missed: { unit: '1 (true) or 0 (false)', definition: 'the seat reported nothing in time' },
  school: { unit: 'school', definition: 'student rows: the school the student was assigned; empty when unmatched' },
  rank: { unit: 'rank', definition: "student rows: the assigned school's place in the student's true order, from 1; empty when unmatched" },
  admitted: { unit: 'students', definition: 'school rows: students the school admitted' },
  value: { unit: 'points', definition: 'what the assignment is worth to the seat' },
  blocking_pairs: { unit: 'pairs', definition: 'student-school pairs that both prefer each other to their assignment (0: the matching is stable)' },
};
