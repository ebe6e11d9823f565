/**
 * The client registry of mechanism views, made at build time: a Vite plugin that finds
 * each mechanism folder's `ui/Board.svelte` (a human seat), `ui/Watch.svelte` (spectators
 * and the projector) and `ui/preset.ts` (the console's session preset), and serves them
 * by mechanism id as virtual modules. Nothing in the client names a mechanism: adding a
 * folder adds its views.
 *
 *   virtual:mechanism-ui/boards   { boards: { [id]: () => import(Board.svelte) } }
 *   virtual:mechanism-ui/watches  { watches: { [id]: () => import(Watch.svelte) } }
 *   virtual:mechanism-ui/presets  { presets: { [id]: preset.ts's default export } }
 *   virtual:mechanism-ui/glossaries  { glossaries: { [id]: glossary.ts's default export } }
 *
 * Boards and watch views load on demand (one chunk each), so a seat page fetches only its
 * own board; presets and glossaries are small and load with the page.
 */
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import type { Plugin, ViteDevServer } from 'vite';

/**
 * The folders whose sub-folders are mechanisms: the same as MECHANISM_ROOTS in
 * mechanisms/registry.ts (the repository's mechanisms/, then ARENA_MECHANISMS_PATH), which
 * this module cannot import (the registry loads every engine). tests/registry.test.ts
 * checks that the two agree.
 */
export function mechanismRoots(env: string | undefined = process.env.ARENA_MECHANISMS_PATH): string[] {
  return [resolve(import.meta.dirname, '..', 'mechanisms'), ...(env ?? '').split(delimiter).filter(Boolean).map((p) => resolve(p))];
}

const UI_FILES = { board: 'Board.svelte', watch: 'Watch.svelte', preset: 'preset.ts', glossary: 'glossary.ts' } as const;
type UiKind = keyof typeof UI_FILES;

export interface MechanismUi {
  readonly id: string;
  readonly folder: string;
  /** Absolute paths of the ui files the folder has. */
  readonly files: Readonly<Partial<Record<UiKind, string>>>;
}

/**
 * Every mechanism folder (one with an `index.ts`, as the registry requires) that has ui
 * files, sorted by id. Two folders of the same id with ui files are refused: which one a
 * seat would see is not for the build to guess.
 */
export function scanMechanismUi(roots: readonly string[] = mechanismRoots()): MechanismUi[] {
  const found = new Map<string, MechanismUi>();
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      const folder = join(root, entry.name);
      if (!entry.isDirectory() || !existsSync(join(folder, 'index.ts'))) continue;
      const files: Partial<Record<UiKind, string>> = {};
      for (const [kind, name] of Object.entries(UI_FILES) as [UiKind, string][]) {
        const file = join(folder, 'ui', name);
        if (existsSync(file)) files[kind] = file;
      }
      if (Object.keys(files).length === 0) continue;
      const other = found.get(entry.name);
      if (other) throw new Error(`two mechanism folders named ${entry.name} have ui files: ${other.folder} and ${folder}`);
      found.set(entry.name, { id: entry.name, folder, files });
    }
  }
  return [...found.values()].sort((a, b) => a.id.localeCompare(b.id));
}

const PREFIX = 'virtual:mechanism-ui/';
const MODULES = { boards: 'board', watches: 'watch', presets: 'preset', glossaries: 'glossary' } as const satisfies Record<string, UiKind>;
type ModuleName = keyof typeof MODULES;

/** The source of one virtual module. */
export function moduleSource(name: ModuleName, ui: readonly MechanismUi[]): string {
  const kind = MODULES[name];
  const withFile = ui.filter((m) => m.files[kind]);
  const path = (m: MechanismUi) => JSON.stringify(m.files[kind]);
  if (name === 'presets' || name === 'glossaries') {
    const imports = withFile.map((m, i) => `import ${kind}${i} from ${path(m)};`);
    const entries = withFile.map((m, i) => `  ${JSON.stringify(m.id)}: ${kind}${i},`);
    return [...imports, `export const ${name} = {`, ...entries, '};', ''].join('\n');
  }
  const entries = withFile.map((m) => `  ${JSON.stringify(m.id)}: () => import(${path(m)}),`);
  return [`export const ${name} = {`, ...entries, '};', ''].join('\n');
}

/** The Vite plugin: resolves and loads the virtual modules, and in dev reloads when a ui file comes or goes. */
export function mechanismUi(options: { roots?: readonly string[] } = {}): Plugin {
  const roots = options.roots ?? mechanismRoots();
  const resolved = (name: string) => `\0${PREFIX}${name}`;
  return {
    name: 'arena:mechanism-ui',
    config() {
      // Mechanism folders outside the repository: the dev server may serve their files, and
      // their components import svelte as the client does (not from where the folder lies).
      return { server: { fs: { allow: [resolve(import.meta.dirname, '..'), ...roots] } }, resolve: { dedupe: ['svelte'] } };
    },
    resolveId(id) {
      if (!id.startsWith(PREFIX)) return null;
      const name = id.slice(PREFIX.length);
      return name in MODULES ? resolved(name) : null;
    },
    load(id) {
      if (!id.startsWith(`\0${PREFIX}`)) return null;
      return moduleSource(id.slice(PREFIX.length + 1) as ModuleName, scanMechanismUi(roots));
    },
    configureServer(server: ViteDevServer) {
      server.watcher.add(roots);
      const changed = (file: string) => {
        if (!/[\\/](ui[\\/](Board\.svelte|Watch\.svelte|preset\.ts|glossary\.ts)|index\.ts)$/.test(file)) return;
        for (const name of Object.keys(MODULES)) {
          const mod = server.moduleGraph.getModuleById(resolved(name));
          if (mod) server.moduleGraph.invalidateModule(mod);
        }
        server.ws.send({ type: 'full-reload' });
      };
      server.watcher.on('add', changed);
      server.watcher.on('unlink', changed);
    },
  };
}
