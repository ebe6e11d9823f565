// The client registry's virtual modules (client/mechanism-ui.ts), by mechanism id.
// An ambient module may not import a relative module (TS2439), so its types are import() types.
/* eslint-disable @typescript-eslint/consistent-type-imports */

declare module 'virtual:mechanism-ui/boards' {
  /** Each mechanism's ui/Board.svelte, loaded on demand. */
  export const boards: Readonly<Record<string, () => Promise<{ default: import('svelte').Component<import('./lib/mechanism-ui.ts').BoardProps> }>>>;
}

declare module 'virtual:mechanism-ui/watches' {
  /** Each mechanism's ui/Watch.svelte, loaded on demand. */
  export const watches: Readonly<Record<string, () => Promise<{ default: import('svelte').Component<import('./lib/mechanism-ui.ts').WatchProps> }>>>;
}

declare module 'virtual:mechanism-ui/presets' {
  /** Each mechanism's ui/preset.ts (its default export). */
  export const presets: Readonly<Record<string, import('./console/preset.ts').MechanismPreset>>;
}

declare module 'virtual:mechanism-ui/glossaries' {
  /** Each mechanism's ui/glossary.ts (its default export): the economic terms its seat page explains. */
  export const glossaries: Readonly<Record<string, import('./lib/glossary.svelte.ts').Glossary>>;
}
