import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { renderCapacity, type CapacityBenchInput, type SessionsModeFigures } from '../capacity';

/** `npm run docs:capacity`: docs/capacity.md from bench/results/latest.json (and demo.json when present). */
const bench = JSON.parse(readFileSync('bench/results/latest.json', 'utf8')) as CapacityBenchInput;
const demoFile = 'bench/results/demo.json';
const sessions = existsSync(demoFile)
  ? (JSON.parse(readFileSync(demoFile, 'utf8')) as { sessionsVsJwt?: SessionsModeFigures[] }).sessionsVsJwt
  : undefined;
writeFileSync('docs/capacity.md', renderCapacity(bench, sessions));
process.stdout.write('wrote docs/capacity.md\n');
