import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { renderScenarios, renderTargets, withSection, type BenchDocsInput } from './bench-docs';
import { renderCapacity, type CapacityBenchInput, type SessionsModeFigures } from './capacity';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const results = JSON.parse(read('bench/results/latest.json')) as BenchDocsInput & CapacityBenchInput;

describe('the committed figures (run `npm run docs:bench` after a bench run)', () => {
  it('README and docs/benchmark.md quote the targets and scenarios of bench/results/latest.json', () => {
    const readme = read('README.md');
    expect(withSection(readme, 'targets', renderTargets(results))).toBe(readme);
    const benchmark = read('docs/benchmark.md');
    expect(
      withSection(withSection(benchmark, 'targets', renderTargets(results)), 'scenarios', renderScenarios(results)),
    ).toBe(benchmark);
  });

  it('docs/capacity.md is what the script computes from the committed results', () => {
    const demo = path.join(ROOT, 'bench/results/demo.json');
    const sessions = existsSync(demo)
      ? (JSON.parse(readFileSync(demo, 'utf8')) as { sessionsVsJwt?: SessionsModeFigures[] }).sessionsVsJwt
      : undefined;
    expect(read('docs/capacity.md')).toBe(renderCapacity(results, sessions));
  });
});

describe('bench docs', () => {
  const input: BenchDocsInput = {
    date: '2026-12-02T00:00:00Z',
    machine: { cpuModel: 'cpu', cores: 2, node: 'v20' },
    settings: { rounds: 7, durationS: 2, connections: 50 },
    scenarios: [
      {
        scenario: 'auth-off',
        label: 'auth off',
        rps: 2500,
        p50Ms: 15,
        p99Ms: 30.25,
        cpuUsPerReq: 300,
        cpuRatioVsAuthOff: 1,
      },
      { scenario: 'raw-verify', label: 'crypto.verify', usPerVerify: 41.26 },
    ],
    targets: [
      { name: 'a', judgedBy: 'cpu', value: 1.234, verdict: 'PASS' },
      { name: 'b', judgedBy: 'rps', value: 0.5, verdict: 'MISS' },
      { name: 'c', judgedBy: 'count', value: 17, verdict: 'PASS' },
      { name: 'd', judgedBy: 'rps', value: null, verdict: 'n/a' },
    ],
  };

  it('states each verdict plainly, misses in bold, and how many judged targets were met', () => {
    const table = renderTargets(input);
    expect(table).toContain('| a | cpu | 1.23x | PASS |');
    expect(table).toContain('| b | rps | 0.50x | **MISS** |');
    expect(table).toContain('| c | count | 17 | PASS |');
    expect(table).toContain('| d | rps | n/a | n/a |');
    expect(table).toContain('2 of 3 judged targets met in this run.');
  });

  it('renders the scenarios, raw-verify by its cost per verification', () => {
    const table = renderScenarios(input);
    expect(table).toContain('| auth off | 2,500 | 15.0 | 30.3 | 300 | 1.00x |');
    expect(table).toContain('| crypto.verify | | | | 41.3 per verification | |');
  });

  it('replaces only what lies between the markers, and says so when they are missing', () => {
    const text = 'before\n<!-- bench:x:start -->\nold\n<!-- bench:x:end -->\nafter';
    expect(withSection(text, 'x', 'new')).toBe('before\n<!-- bench:x:start -->\nnew\n<!-- bench:x:end -->\nafter');
    expect(() => withSection('nothing', 'x', 'new')).toThrow(
      'no <!-- bench:x:start --> ... <!-- bench:x:end --> section',
    );
  });
});
