import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { renderCapacity, type CapacityBenchInput, type SessionsModeFigures } from './capacity';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('docs/capacity.md', () => {
  it('is what the script computes from the committed results (run `npm run docs:capacity` after a bench run)', () => {
    const bench = JSON.parse(read('bench/results/latest.json')) as CapacityBenchInput;
    const demo = path.join(ROOT, 'bench/results/demo.json');
    const sessions = existsSync(demo)
      ? (JSON.parse(readFileSync(demo, 'utf8')) as { sessionsVsJwt?: SessionsModeFigures[] }).sessionsVsJwt
      : undefined;
    expect(read('docs/capacity.md')).toBe(renderCapacity(bench, sessions));
  });

  it('scales the measured CPU per request linearly to cores and replicas', () => {
    const page = renderCapacity(
      {
        date: '2026-12-02T00:00:00Z',
        machine: { cpuModel: 'cpu', cores: 2, node: 'v20' },
        scenarios: [
          { scenario: 'jwt-cached', cpuUsPerReq: 300 },
          { scenario: 'session-store', cpuUsPerReq: 500, storeCpuUsPerReq: 100 },
        ],
      },
      [
        {
          mode: 'shared-store',
          requests: 1000,
          failed: 0,
          storeQueries: 1000,
          logins: 1,
          copiesPerLogin: 0,
          replicaKilled: true,
        },
      ],
    );
    // 100,000 req/s x 300 µs = 30 cores; at 60% of a core each, 50 replicas.
    expect(page).toContain('| gateway, JWT, verified-token cache hit | 300 | 30 | 50 |');
    expect(page).toContain('| session gateway, PostgreSQL store (gateway + PostgreSQL CPU) | 600 | 60 | 100 |');
    expect(page).toContain('| `shared-store` | 1 | 100,000 | 0 | 0 | 0 of 1,000 |');
    expect(page).toContain('| 1,000 | 100,000 | 1,000 |');
    expect(page).toContain('| gateway, public route (no verification) | n/a | n/a | n/a |');
  });
});
