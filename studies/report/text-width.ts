/**
 * Text widths for laying out plots without a canvas. Vega's own fallback counts 0.8 em
 * per character, about half again too wide for a proportional font, so axis labels got
 * cut short and plots lost room. This measures with Helvetica's advance widths, widened
 * by about a sixth so that wider system fonts (DejaVu Sans on Linux) still fit. Installed
 * through `textMetrics.width`, the hook vega keeps for measuring without a canvas.
 */
import * as vega from 'vega';

/** Helvetica advance widths of the printable ASCII characters (space to ~), in thousandths of an em. */
const ASCII = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500,
  667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556,
  500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const OTHER = 720;
const WIDEN = 1.16;

/** Width in pixels of `text` at `fontSize` px (bold a little wider). */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    units += code >= 32 && code <= 126 ? (ASCII[code - 32] as number) : OTHER;
  }
  return (units / 1000) * fontSize * WIDEN * (bold ? 1.07 : 1);
}

interface TextItem {
  readonly fontSize?: number | string;
  readonly fontWeight?: number | string;
  readonly text?: unknown;
}

let installed = false;

/** Makes vega measure text with textWidth (once per process). vega exports `textMetrics` (from vega-scenegraph) though its typings do not declare it. */
export function installTextWidths(): void {
  if (installed) return;
  installed = true;
  const { textMetrics } = vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } };
  textMetrics.width = (item, text) => {
    const s = text === null || text === undefined ? '' : String(text).trim();
    const size = item.fontSize !== undefined && item.fontSize !== null ? Number(item.fontSize) || 0 : 11;
    const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
    return s ? textWidth(s, size, bold) : 0;
  };
}
