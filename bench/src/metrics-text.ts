/** Sums the samples of one metric in Prometheus text format whose labels include `labels`. */
export function sumMetric(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    const brace = line[name.length] === '{' ? line.indexOf('}', name.length) : name.length - 1;
    const sampleLabels: Record<string, string> = {};
    if (line[name.length] === '{') {
      for (const match of line.slice(name.length + 1, brace).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) sampleLabels[match[1]!] = match[2]!;
    }
    if (!Object.entries(labels).every(([key, value]) => sampleLabels[key] === value)) continue;
    const value = Number(line.slice(brace + 1).trim().split(' ')[0]);
    if (Number.isFinite(value)) {
      total += value;
      found = true;
    }
  }
  return found ? total : Number.NaN;
}
