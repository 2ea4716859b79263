import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Database, runMigrations } from '@jwt-msa/db';
import { startLocalPostgres, type LocalPostgres } from '@jwt-msa/local-postgres';
import { createLogger, runService, type RunningService } from '@jwt-msa/service-defaults';
import { profileService } from './app';
import { profileMigrations } from './data-access/migrations';

/**
 * PostgreSQL stopped and started again while traffic flows, on a server of this suite's own (the
 * shared test server must never go down): the service answers clear 503s while it is gone, never
 * hangs, and serves again once it is back, without being restarted.
 */
const REQUEST_TIMEOUT_MS = 5000;
const caller = { 'x-user-id': 'user-outage', 'x-user-name': 'outage', 'x-user-roles': 'user' };

let workDir: string;
let dataDir: string;
let postgres: LocalPostgres;
let db: Database;
let running: RunningService;

interface Outcome {
  phase: string;
  status: number | string;
  error?: string;
  ms: number;
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'profile-outage-'));
  await chmod(workDir, 0o755); // the server user must reach the data dir in place
  dataDir = path.join(workDir, 'data');
  postgres = await startLocalPostgres({ dataDir, ephemeral: true });
  await postgres.ensureDatabase('profile');
  const config = profileService.loadConfig({
    DATABASE_URL: postgres.url('profile'),
    INSTANCE_ID: 'profile-outage',
    DATABASE_CONNECT_TIMEOUT_MS: '1000',
  });
  db = new Database({
    url: config.databaseUrl,
    poolSize: 4,
    statementTimeoutMs: 2000,
    connectionTimeoutMs: config.databaseConnectTimeoutMs,
    applicationName: 'profile-outage-test',
  });
  await runMigrations(db, profileMigrations);
  const logger = createLogger('profile-service', 'profile-outage', 'silent');
  const service = profileService.createApp({ config, db, logger });
  running = await runService({
    service,
    host: '127.0.0.1',
    port: 0,
    logger,
    shutdownGraceMs: 500,
    exitOnShutdown: false,
  });
}, 60_000);

afterAll(async () => {
  await running?.shutdown('test over');
  await db?.close();
  await postgres?.stop();
  await rm(workDir, { recursive: true, force: true });
});

async function hit(phase: string, method: 'GET' | 'PUT', path = '/api/profile/me'): Promise<Outcome> {
  const started = Date.now();
  try {
    const response = await fetch(`${running.url}${path}`, {
      method,
      headers: { ...caller, 'content-type': 'application/json' },
      ...(method === 'PUT' && { body: JSON.stringify({ displayName: `at ${started}` }) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await response.json()) as { error?: string };
    return { phase, status: response.status, ...(body.error && { error: body.error }), ms: Date.now() - started };
  } catch (error) {
    return { phase, status: (error as Error).name, ms: Date.now() - started };
  }
}

/** One GET and one PUT every 50 ms for `ms`. */
async function traffic(phase: string, ms: number, outcomes: Outcome[]): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    outcomes.push(...(await Promise.all([hit(phase, 'GET'), hit(phase, 'PUT')])));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('PostgreSQL stopped and restarted while traffic flows', () => {
  it('answers 503 database_unavailable quickly while it is down, then serves again without a restart', async () => {
    const outcomes: Outcome[] = [];
    await traffic('up', 500, outcomes);

    const port = postgres.port;
    const flowing = traffic('stopping', 800, outcomes);
    await postgres.stop();
    await flowing;
    await traffic('down', 1500, outcomes);
    const readiness = await hit('down', 'GET', '/readyz');

    postgres = await startLocalPostgres({ dataDir, port, ephemeral: true });
    const restartedAt = Date.now();
    let recovered: Outcome | undefined;
    while (!recovered && Date.now() - restartedAt < 15_000) {
      const probe = await hit('recovering', 'GET');
      if (probe.status === 200) recovered = probe;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(recovered).toBeDefined();
    await traffic('recovered', 500, outcomes);

    const summary = (phase: string) =>
      [
        ...new Set(outcomes.filter((o) => o.phase === phase).map((o) => `${o.status}${o.error ? ` ${o.error}` : ''}`)),
      ].sort();
    expect(summary('up')).toEqual(['200']);
    // While it stops, a request answers either from the database or with a 503, nothing else.
    expect(summary('stopping').every((s) => s === '200' || s === '503 database_unavailable')).toBe(true);
    expect(summary('down')).toEqual(['503 database_unavailable']);
    expect(readiness.status).toBe(503);
    expect(summary('recovered')).toEqual(['200']);
    // Never a hang: the slowest answer is bounded by the pool's connect timeout, far below the client's.
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(3000);
  });
});
