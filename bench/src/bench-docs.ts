/**
 * The figures the README and docs/benchmark.md quote, rendered from the committed
 * bench/results/latest.json between markers (`<!-- bench:<id>:start -->` ... `end`), so no
 * figure is ever typed in: `npm run docs:bench` writes them, and a test fails when they drift.
 */

export interface BenchDocsInput {
  date: string;
  machine: { cpuModel: string; cores: number; node: string };
  settings: { rounds: number; durationS: number; connections: number };
  scenarios: ReadonlyArray<{
    scenario: string;
    label: string;
    rps?: number;
    p50Ms?: number;
    p99Ms?: number;
    cpuUsPerReq?: number;
    storeCpuUsPerReq?: number;
    cpuRatioVsAuthOff?: number;
    usPerVerify?: number;
  }>;
  targets: ReadonlyArray<{
    name: string;
    judgedBy: string;
    value: number | null;
    verdict: string;
    rpsValue?: number | null;
    cpuValue?: number | null;
  }>;
}

const num = (value: number | null | undefined, digits = 0) =>
  value === null || value === undefined || !Number.isFinite(value)
    ? 'n/a'
    : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const times = (value: number | null | undefined) => (num(value, 2) === 'n/a' ? 'n/a' : `${num(value, 2)}x`);

function runLine(results: BenchDocsInput): string {
  const { machine, settings } = results;
  return `Run of ${results.date.slice(0, 10)} (${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; median of ${settings.rounds} rounds of ${settings.durationS} s, ${settings.connections} connections):`;
}

/** The targets with their verdicts: what the README's performance summary states. */
export function renderTargets(results: BenchDocsInput): string {
  const met = results.targets.filter((target) => target.verdict === 'PASS').length;
  const judged = results.targets.filter((target) => target.verdict === 'PASS' || target.verdict === 'MISS').length;
  return [
    runLine(results),
    '',
    '| target | judged by | measured | verdict |',
    '|---|---|---:|---|',
    ...results.targets.map(
      (target) =>
        `| ${target.name} | ${target.judgedBy} | ${target.judgedBy === 'count' ? num(target.value) : times(target.value)} | ${target.verdict === 'MISS' ? '**MISS**' : target.verdict} |`,
    ),
    '',
    `${met} of ${judged} judged targets met in this run.`,
  ].join('\n');
}

/** Every scenario's medians: docs/benchmark.md's results table. */
export function renderScenarios(results: BenchDocsInput): string {
  return [
    runLine(results),
    '',
    '| scenario | req/s | p50 ms | p99 ms | CPU µs/req | by CPU vs auth-off |',
    '|---|---:|---:|---:|---:|---:|',
    ...results.scenarios.map((scenario) =>
      scenario.usPerVerify !== undefined
        ? `| ${scenario.label} | | | | ${num(scenario.usPerVerify, 1)} per verification | |`
        : `| ${scenario.label} | ${num(scenario.rps)} | ${num(scenario.p50Ms, 1)} | ${num(scenario.p99Ms, 1)} | ${num(scenario.cpuUsPerReq)}${scenario.storeCpuUsPerReq !== undefined ? ` + ${num(scenario.storeCpuUsPerReq)} in PostgreSQL` : ''} | ${times(scenario.cpuRatioVsAuthOff)} |`,
    ),
  ].join('\n');
}

/** `text` with the section between `<!-- bench:<id>:start -->` and its end marker replaced by `body`. */
export function withSection(text: string, id: string, body: string): string {
  const start = `<!-- bench:${id}:start -->`;
  const end = `<!-- bench:${id}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`no ${start} ... ${end} section`);
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}
