/**
 * The report page: one HTML file with its CSS and SVGs inline and nothing fetched, so it
 * opens the same from a laptop, a mail attachment or a CI artifact.
 */
import { escapeHtml } from './format.ts';
import { FONT } from './render.ts';

export interface RenderedFigure {
  readonly title: string;
  readonly caption: string;
  readonly svg: string;
  readonly wide: boolean;
}

export interface PageSection {
  readonly id: string;
  readonly title: string;
  /** Trusted HTML (built by the report with escaped text) before the figures. */
  readonly intro?: string;
  readonly figures: readonly RenderedFigure[];
  /** Trusted HTML after the figures. */
  readonly after?: string;
}

const CSS = `
:root { --ink: #1d2327; --muted: #5b6770; --line: #e2e5e8; --bg: #f5f6f7; --card: #fff; --accent: #2b5d8a; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.5 ${FONT}; -webkit-text-size-adjust: 100%; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 28px 64px; }
a { color: var(--accent); }
header.study h1 { font-size: 27px; line-height: 1.2; margin: 0 0 6px; }
header.study .kicker { color: var(--muted); font-size: 13px; letter-spacing: .04em; text-transform: uppercase; margin-bottom: 6px; }
.lede { color: #38434a; max-width: 80ch; margin: 0 0 14px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 18px; margin: 12px 0 0; font-size: 14px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
nav.toc { margin: 18px 0 0; font-size: 14px; display: flex; flex-wrap: wrap; gap: 6px 16px; }
section { margin-top: 36px; }
h2 { font-size: 20px; margin: 0 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(530px, 1fr)); gap: 18px; }
figure { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px 12px; min-width: 0; }
figure.wide { grid-column: 1 / -1; }
figure h3 { font-size: 15.5px; margin: 0 0 8px; }
figure svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption { color: var(--muted); font-size: 13.5px; margin-top: 8px; max-width: 95ch; }
.scroll { overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
section > .scroll, section > .note { margin-bottom: 16px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; width: 100%; font-size: 14px; }
th, td { padding: 6px 12px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: top; }
th { font-weight: 600; background: #fafbfc; }
th:first-child, td:first-child { text-align: left; }
td.text, th.text { text-align: left; }
table.compact { width: auto; min-width: 420px; }
tr.group td { background: #f3f5f7; color: var(--muted); font-size: 12.5px; text-transform: uppercase; letter-spacing: .04em; }
td .ci { color: var(--muted); font-size: 12.5px; }
td.ref { color: var(--muted); }
.note { color: var(--muted); font-size: 13.5px; max-width: 95ch; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; background: #eceff2; padding: 1px 4px; border-radius: 3px; }
pre { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; overflow-x: auto; font-size: 12.5px; }
footer { margin-top: 44px; color: var(--muted); font-size: 13px; }
@media (max-width: 640px) { main { padding: 16px 12px 40px; } .figures { grid-template-columns: 1fr; } }
@media print { body { background: white; } figure, table { break-inside: avoid; } }
`;

function figureHtml(f: RenderedFigure): string {
  return `<figure${f.wide ? ' class="wide"' : ''}><h3>${escapeHtml(f.title)}</h3>${f.svg}<figcaption>${escapeHtml(f.caption)}</figcaption></figure>`;
}

/** The whole page. `header` and section parts are trusted HTML made from escaped text. */
export function page(title: string, header: string, sections: readonly PageSection[], footer: string): string {
  const shown = sections.filter((s) => s.figures.length || s.intro || s.after);
  const toc = shown.map((s) => `<a href="#${s.id}">${escapeHtml(s.title)}</a>`).join('');
  const body = shown
    .map((s) => `<section id="${s.id}"><h2>${escapeHtml(s.title)}</h2>${s.intro ?? ''}${s.figures.length ? `<div class="figures">${s.figures.map(figureHtml).join('')}</div>` : ''}${s.after ?? ''}</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="mechanism-arena arena report">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${header}
<nav class="toc">${toc}</nav>
${body}
<footer>${footer}</footer>
</main>
</body>
</html>
`;
}
