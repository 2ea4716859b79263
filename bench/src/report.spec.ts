import { escapeXml, fmt, fmtBytes, fmtRatio, formatTable, renderBarChart } from './report';

describe('report', () => {
  it('aligns a table by column', () => {
    const table = formatTable(
      ['scenario', 'req/s'],
      [
        ['auth-off', '3,000'],
        ['jwt', '950'],
      ],
      ['left', 'right'],
    );
    expect(table.split('\n')).toEqual(['scenario  req/s', '--------  -----', 'auth-off  3,000', 'jwt         950']);
  });

  it('formats numbers, ratios and sizes, with "-" for unknowns', () => {
    expect(fmt(12345.678)).toBe('12,346');
    expect(fmt(1.25, 1)).toBe('1.3');
    expect(fmt(Number.NaN)).toBe('-');
    expect(fmtRatio(0.954)).toBe('0.95x');
    expect(fmtRatio(undefined)).toBe('-');
    expect(fmtBytes(3 * 2 ** 20)).toBe('3.0 MiB');
  });

  it('escapes XML', () => {
    expect(escapeXml(`<a & "b">'`)).toBe('&lt;a &amp; &quot;b&quot;&gt;&apos;');
  });

  it('renders one bar per scenario, scaled, with off-scale bars cut and a reference line', () => {
    const svg = renderBarChart(
      [
        { label: 'auth off', value: 1000, kind: 'baseline' },
        { label: 'JWT <cached>', value: 500, kind: 'jwt', note: '0.50x' },
        { label: 'direct', value: 10_000, kind: 'reference' },
      ],
      {
        title: 'Title & more',
        subtitle: ['2026-01-01 · 2 cores'],
        unit: 'req/s',
        scaleMax: 1000,
        reference: { value: 1000, label: 'auth off' },
      },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const widths = [...svg.matchAll(/<rect x="410" y="\d+" width="(\d+)"/g)].map((match) => Number(match[1]));
    expect(widths).toEqual([380, 190, 380]);
    expect(svg).toContain('JWT &lt;cached&gt;');
    expect(svg).toContain('Title &amp; more');
    expect(svg).toContain('10,000 req/s (off scale)');
    expect(svg).toContain('500 req/s · 0.50x');
    expect(svg).toContain('stroke-dasharray');
    expect(svg).not.toContain('NaN');
  });
});
