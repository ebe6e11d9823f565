/**
 * The console's presets: every mechanism folder's `ui/preset.ts`, from the client
 * registry (client/mechanism-ui.ts), in their declared order. A mechanism without one is
 * still reachable by editing a spec as JSON.
 */
import { presets } from 'virtual:mechanism-ui/presets';
import { ordered, type Preset } from './preset.ts';

export const PRESETS: readonly Preset[] = ordered(presets);

export const presetOf = (mechanism: string): Preset | undefined => PRESETS.find((p) => p.mechanism === mechanism);
