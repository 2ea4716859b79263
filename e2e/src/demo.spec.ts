import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { IS_ADMIN_CLAIM } from '@jwt-msa/claims';

/** `npm run demo` in its default mode: its own cluster with replicas, killed and restarted. */
const DEMO = path.resolve(__dirname, '..', '..', 'dist', 'tools', 'demo', 'main.js');

describe('npm run demo', () => {
  it('shows the token, the replicas, the counted state, what survives a replica and an auth outage, and sessions vs JWT', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'demo-json-'));
    const json = path.join(dir, 'figures.json');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [DEMO, '--calls', '15', '--compare-calls', '100', '--json', json],
      { timeout: 230_000 },
    );
    expect(stdout).toContain('Header    {"alg":"RS256","typ":"at+jwt","kid":"');
    expect(stdout).toMatch(/registered {2}sub {2}"[0-9a-f-]{36}"/);
    expect(stdout).toContain(`public      ${IS_ADMIN_CLAIM} = false`);
    expect(stdout).toContain('private     username = "demo-');
    expect(stdout).toContain(
      '15 authenticated API calls: 15 token verifications at the gateway, 0 auth-store queries.',
    );
    expect(stdout).toMatch(/1 refresh \(what a client does when its access token expires\): [1-9] auth-store queries/);
    expect(stdout).toMatch(
      /30 GETs, 0 failed; served by orders-service\/orders-1, orders-service\/orders-2, orders-service\/orders-3/,
    );
    expect(stdout).toMatch(/POST \/auth\/login: 503 \{"error":"upstream_unavailable"/);
    expect(stdout).toContain('Started auth again; POST /auth/login: 200');
    // The short version of the comparison: 100 calls per mode, figures measured, beside the plan's.
    expect(stdout).toContain('Every figure measured is the one the plan predicts');
    expect(stdout).toContain('shared-store: with the session store stopped, 10 of 10 calls failed');
    const { sessionsVsJwt } = JSON.parse(await readFile(json, 'utf8')) as { sessionsVsJwt: unknown[] };
    await rm(dir, { recursive: true, force: true });
    const figures = (failed: number, storeQueries: number, logins: number, copiesPerLogin: number) => ({
      requests: 100,
      failed,
      storeQueries,
      logins,
      copiesPerLogin,
      replicaKilled: true,
    });
    expect(sessionsVsJwt).toEqual([
      { mode: 'jwt', ...figures(0, 0, 1, 0) },
      { mode: 'memory-round-robin', ...figures(100, 100, 101, 0) },
      { mode: 'memory-sticky', ...figures(1, 100, 2, 0) },
      { mode: 'replicated', ...figures(0, 100, 1, 2) },
      { mode: 'shared-store', ...figures(0, 100, 1, 0) },
    ]);
  }, 240_000);
});
