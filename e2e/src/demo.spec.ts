import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { IS_ADMIN_CLAIM } from '@jwt-msa/claims';

/** `npm run demo` in its default mode: its own cluster with replicas, killed and restarted. */
const DEMO = path.resolve(__dirname, '..', '..', 'dist', 'tools', 'demo', 'main.js');

describe('npm run demo', () => {
  it('shows the token, the replicas, the counted state, what survives a replica and an auth outage, revocation, and sessions vs JWT', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'demo-json-'));
    const json = path.join(dir, 'figures.json');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [DEMO, '--calls', '15', '--compare-calls', '100', '--json', json],
      { timeout: 380_000 },
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
    expect(stdout).toMatch(/20 revocations \(12 logout, 4 logout-all, 4 reuse\)/);
    expect(stdout).toContain(
      '30 API calls over the 3 gateways with the deny-lists loaded: 0 auth-store queries per call.',
    );
    const { sessionsVsJwt, revocation } = JSON.parse(await readFile(json, 'utf8')) as {
      sessionsVsJwt: unknown[];
      revocation: { lagMsMax: number };
    };
    await rm(dir, { recursive: true, force: true });
    expect(revocation).toEqual({
      gateways: 3,
      revocations: 20,
      lagMsP50: expect.any(Number),
      lagMsMax: expect.any(Number),
      authStoreQueriesPerApiCall: 0,
    });
    // The demo reports the real figure (target 1 s on a quiet machine); the e2e allows slack for a busy one.
    expect(revocation.lagMsMax).toBeLessThan(3000);
    // The short version of the comparison: 100 calls per mode, figures measured, beside the plan's.
    expect(stdout).toContain('Every figure measured is the one the plan predicts');
    expect(stdout).toContain('shared-store: with the session store stopped, 10 of 10 calls failed');
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
  }, 400_000);
});
