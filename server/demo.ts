/**
 * The demo arenas `npm start` opens: one for every mechanism whose folder has a `demo.ts`
 * (mechanisms/core/demo.ts), in the registry's order, each with bots playing and seats open
 * for humans (a bot stands in on each until a person takes it over). When one ends, a fresh
 * one takes its place.
 */
import { demoOf, MECHANISMS } from '../mechanisms/registry.ts';
import type { SessionSpecInput } from '../rooms/session.ts';

const offered = await Promise.all(MECHANISMS.map(async (m) => ({ mechanism: m.id, demo: await demoOf(m) })));

export const DEMO_ARENAS: readonly SessionSpecInput[] = offered.flatMap(({ mechanism, demo }) => (demo ? [{ ...demo, mechanism } as SessionSpecInput] : []));
