/**
 * Every mechanism the system knows, by id and by id@version. A mechanism is a folder:
 * `mechanisms/<id>/index.ts` exports it as its default export, and the registry finds it
 * there; nothing else lists it. `ARENA_MECHANISMS_PATH` (folders separated by the path
 * delimiter) adds folders of the same shape from elsewhere. A folder without an
 * `index.ts` (core/, sealed-bid/) is a library the mechanisms share.
 */
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyMechanism } from './core/types.ts';
import { mechanismKey } from './core/types.ts';
import type { MechanismCases } from './core/cases.ts';
import { NO_PROBE, type MechanismProbe } from './core/probe.ts';
import type { DemoArena } from './core/demo.ts';

/** Folders whose sub-folders are mechanisms: this one, and any named by ARENA_MECHANISMS_PATH. */
export const MECHANISM_ROOTS: readonly string[] = [import.meta.dirname, ...(process.env.ARENA_MECHANISMS_PATH ?? '').split(delimiter).filter(Boolean)];

const isMechanism = (x: unknown): x is AnyMechanism => typeof x === 'object' && x !== null && typeof (x as AnyMechanism).id === 'string' && typeof (x as AnyMechanism).apply === 'function';

async function load(): Promise<{ mechanism: AnyMechanism; folder: string }[]> {
  const found: { mechanism: AnyMechanism; folder: string }[] = [];
  for (const root of MECHANISM_ROOTS) {
    if (!existsSync(root)) continue;
    const names = readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'index.ts')))
      .map((d) => d.name)
      .sort();
    for (const name of names) {
      const folder = join(root, name);
      const mod = (await import(pathToFileURL(join(folder, 'index.ts')).href)) as { default?: unknown };
      if (!isMechanism(mod.default)) throw new Error(`${folder}/index.ts: its default export is not a mechanism`);
      if (mod.default.id !== name) throw new Error(`${folder}/index.ts: the folder of mechanism '${mod.default.id}' must be named after it`);
      found.push({ mechanism: mod.default, folder });
    }
  }
  return found;
}

const loaded = await load();

export const MECHANISMS: readonly AnyMechanism[] = loaded.map((l) => l.mechanism);

const byKey = new Map<string, AnyMechanism>();
const folders = new Map<AnyMechanism, string>();
for (const { mechanism: m, folder } of loaded) {
  if (byKey.has(mechanismKey(m))) throw new Error(`two mechanisms are ${mechanismKey(m)}`);
  byKey.set(mechanismKey(m), m);
  folders.set(m, folder);
  const latest = byKey.get(m.id);
  if (!latest || latest.version < m.version) byKey.set(m.id, m);
}

/** Finds a mechanism by `id` (latest version) or `id@version`. */
export function findMechanism(ref: string): AnyMechanism | undefined {
  return byKey.get(ref);
}

export function mechanismRefs(): string[] {
  return MECHANISMS.map(mechanismKey);
}

/** The folder a registered mechanism lives in. */
export function folderOf(m: AnyMechanism): string {
  const folder = folders.get(m);
  if (!folder) throw new Error(`${mechanismKey(m)} is not registered`);
  return folder;
}

/** The mechanism's `cases.ts` (configs for conformance and goldens, a live leak case). */
export async function casesOf(m: AnyMechanism): Promise<MechanismCases> {
  const mod = (await import(pathToFileURL(join(folderOf(m), 'cases.ts')).href)) as { cases?: MechanismCases };
  if (!mod.cases) throw new Error(`${folderOf(m)}/cases.ts exports no cases`);
  return mod.cases;
}

/** The mechanism's `probe.ts`, when it has one: deviation classes and mitigations for `arena probe`. */
export async function probeOf(m: AnyMechanism): Promise<MechanismProbe> {
  const file = join(folderOf(m), 'probe.ts');
  if (!existsSync(file)) return NO_PROBE;
  const mod = (await import(pathToFileURL(file).href)) as { probe?: MechanismProbe };
  if (!mod.probe) throw new Error(`${file} exports no probe`);
  return mod.probe;
}

/** The mechanism's `demo.ts`, when it has one: the live demo arena `npm start` opens. */
export async function demoOf(m: AnyMechanism): Promise<DemoArena | null> {
  const file = join(folderOf(m), 'demo.ts');
  if (!existsSync(file)) return null;
  const mod = (await import(pathToFileURL(file).href)) as { demo?: DemoArena };
  if (!mod.demo) throw new Error(`${file} exports no demo`);
  return mod.demo;
}
