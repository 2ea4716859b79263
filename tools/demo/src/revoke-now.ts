import { randomBytes } from 'node:crypto';
import { authStoreQueries, expectStatus, feedQueries, heading, type DemoContext } from './chapters';
import { call, counterOverReplicas, delta, Session, total } from './client';

/** What `--json` reports for this chapter. */
export interface RevocationReport {
  gateways: number;
  revocations: number;
  lagMsP50: number;
  lagMsMax: number;
  authStoreQueriesPerApiCall: number;
}

const REVOCATIONS = 20;
const API_CALLS = 30;
const GIVE_UP_MS = 10_000;

type Kind = 'logout' | 'logout-all' | 'reuse';
/** Mostly single logouts, with logout-all and refresh reuse among them. */
const kindOf = (i: number): Kind => (i % 5 === 3 ? 'logout-all' : i % 5 === 4 ? 'reuse' : 'logout');

/** From the revoking call's answer until every gateway replica refuses the token (milliseconds). */
async function refusedEverywhere(gateways: readonly string[], token: string, since: number): Promise<number> {
  const laps = await Promise.all(
    gateways.map(async (gw) => {
      for (;;) {
        const reply = await call(gw, 'GET', '/api/orders', { token });
        if (reply.status === 401) return Date.now() - since;
        if (Date.now() - since > GIVE_UP_MS)
          throw new Error(`${gw} still accepts a revoked token after ${GIVE_UP_MS} ms`);
      }
    }),
  );
  return Math.max(...laps);
}

async function login(ctx: DemoContext, username: string, password: string): Promise<Session> {
  const reply = await call(ctx.gw, 'POST', '/auth/login', { body: { username, password } });
  expectStatus(reply, 200, 'login');
  return new Session(ctx.gw, {
    username,
    password,
    accessToken: reply.body.access_token,
    refreshToken: reply.body.refresh_token,
  });
}

/** Revokes one login the way `kind` says; returns the access token that must now be refused everywhere. */
async function revoke(ctx: DemoContext, session: Session, kind: Kind): Promise<string> {
  if (kind === 'logout') {
    expectStatus(
      await call(ctx.gw, 'POST', '/auth/logout', {
        token: session.accessToken,
        body: { refresh_token: session.refreshToken },
      }),
      204,
      'logout',
    );
    return session.accessToken;
  }
  if (kind === 'logout-all') {
    expectStatus(await call(ctx.gw, 'POST', '/auth/logout-all', { token: session.accessToken }), 204, 'logout-all');
    return session.accessToken;
  }
  const stolen = session.refreshToken;
  await session.refresh();
  expectStatus(await call(ctx.gw, 'POST', '/auth/refresh', { body: { refresh_token: stolen } }), 401, 'reuse');
  return session.accessToken; // issued by the rotation, revoked with its family
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;

/**
 * "Revoke now": logout, logout-all and refresh reuse reach every gateway replica's in-memory
 * deny-list through the issuer's feed, measured from the revoking call's answer until every
 * replica refuses; and API calls still cost the auth store nothing.
 */
export async function revokeNow(ctx: DemoContext): Promise<RevocationReport> {
  heading(ctx, '6. Revoke now: logout reaches every gateway replica');
  const gateways = ctx.gateways;
  const username = `revoke-${randomBytes(3).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  expectStatus(await call(ctx.gw, 'POST', '/auth/register', { body: { username, password } }), 201, 'register');

  const tabs = await login(ctx, username, password);
  await Promise.all([tabs.refresh(), tabs.refresh(), tabs.refresh(), tabs.refresh()]);
  const afterTabs = await call(ctx.gw, 'GET', '/api/orders', { token: tabs.accessToken });
  expectStatus(afterTabs, 200, 'GET /api/orders after the shared refresh');
  ctx.print(
    '4 "tabs" needing a new access token at once share one POST /auth/refresh (single-flight): the new token works.',
  );
  ctx.print('  (4 separate refreshes of one token would be 1 success and 3 reuses: the login would end for all 4.)');

  const lags: number[] = [];
  const byKind = new Map<Kind, number>();
  for (let i = 0; i < REVOCATIONS; i += 1) {
    const kind = kindOf(i);
    const session = await login(ctx, username, password);
    for (const gw of gateways)
      expectStatus(await call(gw, 'GET', '/api/orders', { token: session.accessToken }), 200, 'warm-up');
    const token = await revoke(ctx, session, kind);
    lags.push(await refusedEverywhere(gateways, token, Date.now()));
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  }
  const sorted = [...lags].sort((a, b) => a - b);
  const report: Omit<RevocationReport, 'authStoreQueriesPerApiCall'> = {
    gateways: gateways.length,
    revocations: lags.length,
    lagMsP50: percentile(sorted, 0.5),
    lagMsMax: sorted.at(-1)!,
  };
  ctx.print(
    `${report.revocations} revocations (${[...byKind].map(([kind, n]) => `${n} ${kind}`).join(', ')}), each token warm in every gateway's cache first:`,
  );
  ctx.print(
    `  refused by all ${report.gateways} gateway replicas ${report.lagMsP50} ms (median) / ${report.lagMsMax} ms (max) after the revoking call answered.`,
  );

  const fresh = await login(ctx, username, password);
  const queriesBefore = await counterOverReplicas(ctx.admin, 'auth', 'db_queries_total');
  const started = Date.now();
  for (let i = 0; i < API_CALLS; i += 1) {
    const gw = gateways[i % gateways.length]!;
    expectStatus(await call(gw, 'GET', '/api/orders', { token: fresh.accessToken }), 200, 'GET /api/orders');
  }
  const during = delta(await counterOverReplicas(ctx.admin, 'auth', 'db_queries_total'), queriesBefore);
  const perCall = total(during, authStoreQueries) / API_CALLS;
  const feed = total(during, feedQueries);
  const seconds = Math.max(1, Math.round((Date.now() - started) / 1000));
  ctx.print(
    `${API_CALLS} API calls over the ${gateways.length} gateways with the deny-lists loaded: ${perCall} auth-store queries per call.`,
  );
  ctx.print(
    `  Meanwhile the feed cost the auth store ${feed} background queries in ~${seconds} s (${(feed / gateways.length).toFixed(1)} per gateway), whatever the traffic.`,
  );
  ctx.print('Stateless while valid; the store is touched on refresh and on revoke, and gateways learn of a revoke');
  ctx.print('from the feed in memory, so no API call waits on it.');
  return { ...report, authStoreQueriesPerApiCall: perCall };
}
