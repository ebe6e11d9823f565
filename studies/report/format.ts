/** Number and text formatting shared by the report's tables and plot labels. */

/** A number as a person reads it: three decimals for small values, one for large, exponent for tiny or huge. */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  if (a !== 0 && (a < 0.001 || a >= 1e7)) return x.toExponential(2);
  if (Number.isInteger(x)) return String(x);
  if (a >= 1000) return x.toFixed(0);
  if (a >= 100) return x.toFixed(1);
  if (a >= 10) return x.toFixed(2);
  return x.toFixed(3);
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/** A metric or column name as words: `ir_violation_rate` → `ir violation rate`, `measure.mean_price` → `mean price`. */
export function words(name: string): string {
  return name.replace(/^measure\./, '').replaceAll('_', ' ');
}

/** A config or params object in one short line: `reserve 50, values.kind uniform`. */
export function compactObject(value: unknown, prefix = ''): string {
  if (value === null || typeof value !== 'object') return `${prefix}${prefix ? ' ' : ''}${JSON.stringify(value)}`.trim();
  if (Array.isArray(value)) return `${prefix} ${JSON.stringify(value)}`.trim();
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? compactObject(v, `${prefix}${k}.`) : `${prefix}${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`))
    .join(', ');
}
