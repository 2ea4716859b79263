import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { renderScenarios, renderTargets, withSection, type BenchDocsInput } from '../bench-docs';
import { renderCapacity, type CapacityBenchInput, type SessionsModeFigures } from '../capacity';

/**
 * `npm run docs:bench`: from the committed bench/results/latest.json (and demo.json when present),
 * docs/capacity.md and the figures quoted in README.md and docs/benchmark.md.
 */
const results = JSON.parse(readFileSync('bench/results/latest.json', 'utf8')) as BenchDocsInput & CapacityBenchInput;
const demoFile = 'bench/results/demo.json';
const sessions = existsSync(demoFile)
  ? (JSON.parse(readFileSync(demoFile, 'utf8')) as { sessionsVsJwt?: SessionsModeFigures[] }).sessionsVsJwt
  : undefined;
writeFileSync('docs/capacity.md', renderCapacity(results, sessions));
writeFileSync('README.md', withSection(readFileSync('README.md', 'utf8'), 'targets', renderTargets(results)));
const benchmark = readFileSync('docs/benchmark.md', 'utf8');
writeFileSync(
  'docs/benchmark.md',
  withSection(withSection(benchmark, 'targets', renderTargets(results)), 'scenarios', renderScenarios(results)),
);
process.stdout.write('wrote docs/capacity.md and the bench figures in README.md and docs/benchmark.md\n');
