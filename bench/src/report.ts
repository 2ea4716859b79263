/** Text table and SVG chart of the results: pure functions of the figures. */

export type Align = 'left' | 'right';

export function formatTable(
  headers: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  align: readonly Align[] = [],
): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        align[column] === 'right' ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** A number for a table cell: fixed decimals, thousands separated, '-' when unknown. */
export function fmt(value: number | undefined, decimals = 0): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

export function fmtRatio(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '-' : `${value.toFixed(2)}x`;
}

export function fmtBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '-';
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

export interface ChartBar {
  label: string;
  value: number;
  /** Colour family: the baseline, JWT variants, the session store, reference points. */
  kind: 'baseline' | 'jwt' | 'session' | 'reference';
  /** Printed after the value, e.g. "0.98x". */
  note?: string;
}

export interface ChartMeta {
  title: string;
  /** Lines under the title: date, machine, load settings. */
  subtitle: readonly string[];
  unit: string;
  /** The value at full bar length (default: the largest); longer bars are cut and marked "off scale". */
  scaleMax?: number;
  /** A dashed vertical line at this value (e.g. the baseline). */
  reference?: { value: number; label: string };
}

const COLORS: Record<ChartBar['kind'], string> = {
  baseline: '#6b7280',
  jwt: '#2563eb',
  session: '#ea580c',
  reference: '#a3a3a3',
};

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[char]!,
  );
}

/** A horizontal bar chart, one bar per scenario. */
export function renderBarChart(bars: readonly ChartBar[], meta: ChartMeta): string {
  const width = 1120;
  const labelWidth = 410;
  const valueWidth = 330;
  const barArea = width - labelWidth - valueWidth;
  const barHeight = 24;
  const gap = 10;
  const top = 34 + meta.subtitle.length * 18 + 22;
  const height = top + bars.length * (barHeight + gap) + 16;
  const largest = Math.max(1, ...bars.map((bar) => (Number.isFinite(bar.value) ? bar.value : 0)));
  const scale = meta.scaleMax && meta.scaleMax > 0 ? meta.scaleMax : largest;
  const x = (value: number) => labelWidth + Math.round((Math.min(value, scale) / scale) * barArea);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="26" font-size="17" font-weight="600" fill="#111827">${escapeXml(meta.title)}</text>`,
    ...meta.subtitle.map(
      (line, index) => `<text x="16" y="${48 + index * 18}" fill="#4b5563">${escapeXml(line)}</text>`,
    ),
  ];
  if (meta.reference && Number.isFinite(meta.reference.value) && meta.reference.value > 0) {
    const rx = x(meta.reference.value);
    parts.push(
      `<line x1="${rx}" y1="${top - 8}" x2="${rx}" y2="${height - 8}" stroke="#111827" stroke-width="1" stroke-dasharray="4 3"/>`,
      `<text x="${rx}" y="${top - 12}" text-anchor="middle" font-size="11" fill="#374151">${escapeXml(meta.reference.label)}</text>`,
    );
  }
  bars.forEach((bar, index) => {
    const y = top + index * (barHeight + gap);
    const value = Number.isFinite(bar.value) ? bar.value : 0;
    const end = Math.max(labelWidth + 1, x(value));
    const offScale = value > scale;
    const valueText = `${Number.isFinite(bar.value) ? Math.round(bar.value).toLocaleString('en-US') : 'n/a'} ${meta.unit}${offScale ? ' (off scale)' : ''}${bar.note ? ` · ${bar.note}` : ''}`;
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + barHeight / 2 + 4}" text-anchor="end" fill="#111827">${escapeXml(bar.label)}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${end - labelWidth}" height="${barHeight}" rx="3" fill="${COLORS[bar.kind]}"/>`,
    );
    if (offScale)
      parts.push(
        `<path d="M${end - 18} ${y - 2} l6 ${barHeight + 4} M${end - 10} ${y - 2} l6 ${barHeight + 4}" stroke="#ffffff" stroke-width="3"/>`,
      );
    parts.push(
      `<text x="${end + 6}" y="${y + barHeight / 2 + 4}" fill="#111827" stroke="#ffffff" stroke-width="4" paint-order="stroke">${escapeXml(valueText)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
