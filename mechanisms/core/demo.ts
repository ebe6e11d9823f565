/**
 * A live demo arena a mechanism offers `npm start`, in its folder's `demo.ts`: a session as
 * POST /api/sessions takes it (checked there), without `mechanism`, which is the folder's.
 * The server opens one for every mechanism that has one; nothing outside the folder names it.
 */
export interface DemoArena {
  readonly title: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly seats: readonly Readonly<Record<string, unknown>>[];
  readonly [field: string]: unknown;
}
