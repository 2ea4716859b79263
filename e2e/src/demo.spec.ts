import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { IS_ADMIN_CLAIM } from '@jwt-msa/claims';

/** `npm run demo` in its default mode: its own cluster with replicas, killed and restarted. */
const DEMO = path.resolve(__dirname, '..', '..', 'dist', 'tools', 'demo', 'main.js');

describe('npm run demo', () => {
  it('shows the token, the replicas, the counted state and what survives a replica and an auth outage', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [DEMO, '--calls', '15'], { timeout: 110_000 });
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
  });
});
