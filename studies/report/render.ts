/**
 * Vega-Lite specs to SVG on the server, with no canvas and no DOM (vega's headless SVG
 * renderer). Text is measured by estimate, so specs leave room for labels. The SVG is
 * made compact for inlining: no ARIA per mark, coordinates to two decimals, no XML
 * namespaces (an SVG inside HTML needs none).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { installTextWidths } from './text-width.ts';

/** The report's font: the page and the plots read alike. */
export const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif';

/** Plot styling shared by every figure. */
export const PLOT_CONFIG = {
  font: FONT,
  aria: false,
  background: 'white',
  padding: 6,
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 12.5, titleFontSize: 13, titleFontWeight: 'normal', titleColor: '#333', labelColor: '#444', gridColor: '#ececec', domainColor: '#999', tickColor: '#999', titlePadding: 8, labelLimit: 220, labelOverlap: true, labelSeparation: 4 },
  // Vega-Lite flushes the first and last x label inward by default, onto their neighbours once scales are padded.
  axisX: { labelFlush: false },
  legend: { labelFontSize: 12.5, titleFontSize: 13, titleFontWeight: 'normal', titleColor: '#333', labelColor: '#333', labelLimit: 260, symbolSize: 90 },
  header: { labelFontSize: 13, labelColor: '#222', titleFontSize: 12.5, titleFontWeight: 'normal' },
  title: { fontSize: 13, fontWeight: 'normal', anchor: 'start', color: '#333' },
  text: { fontSize: 11.5 },
} as const;

const GEOMETRY = /\s(d|transform|x|y|x1|x2|y1|y2|width|height|points)="([^"]*)"/g;
const LONG_DECIMAL = /(-?\d+\.\d\d)\d+/g;

/** Rounds the coordinates of an SVG's geometry attributes to two decimals (text is left alone). */
export function compactSvg(svg: string): string {
  return svg
    .replace(/\sxmlns(:xlink)?="[^"]*"/g, '')
    .replace(GEOMETRY, (_, name: string, value: string) => ` ${name}="${value.replace(LONG_DECIMAL, '$1')}"`);
}

/** Collects what Vega-Lite warns about while compiling (a spec that needs fixing), instead of printing it. */
function warningsInto(into: string[]) {
  const logger = {
    level: () => logger,
    error: (...args: readonly unknown[]) => {
      throw new Error(args.map(String).join(' '));
    },
    warn: (...args: readonly unknown[]) => {
      into.push(args.map(String).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

/**
 * Numbers the SVG definitions (gradients, clip paths) from the start again: ids stay unique
 * within one page, and a rebuild of the page gives the same bytes. Call before each page.
 */
export function startPage(): void {
  vega.resetSVGDefIds();
}

/** Renders one Vega-Lite spec (data inline) to an SVG string; compiler warnings go into `warnings`. */
export async function renderSvg(spec: TopLevelSpec, warnings: string[] = []): Promise<string> {
  installTextWidths();
  const withConfig = { ...spec, config: { ...PLOT_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(withConfig, { logger: warningsInto(warnings) as never }).spec), { renderer: 'none', logLevel: vega.Warn, logger: warningsInto(warnings) as never });
  try {
    return compactSvg(await view.toSVG());
  } finally {
    view.finalize();
  }
}
