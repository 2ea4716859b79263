import { createPublicKey, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { queryKindOf, type LocalCluster } from '@jwt-msa/cluster';
import { call, counterOverReplicas, delta, gatewayCounter, Session, total } from './client';
import { IS_ADMIN_CLAIM } from '@jwt-msa/claims';

export interface DemoContext {
  gw: string;
  /** Every gateway replica (the first is `gw`). */
  gateways: readonly string[];
  admin: string;
  calls: number;
  /** Present when the demo runs its own cluster and may kill replicas. */
  cluster?: LocalCluster;
  print: (line?: string) => void;
}

const REGISTERED = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'];
const purposeOf = (labels: string) => /purpose="([^"]*)"/.exec(labels)?.[1];
/** Queries a request can cause (libs/cluster queryKindOf): not the replicas' timers, health checks or the feed. */
export const authStoreQueries = (labels: string) => queryKindOf(purposeOf(labels)) === 'call';
const backgroundQueries = (labels: string) => queryKindOf(purposeOf(labels)) === 'timer';
/** What the gateways' revocation feed costs the auth store: background, whatever the traffic. */
export const feedQueries = (labels: string) => queryKindOf(purposeOf(labels)) === 'feed';

export function heading(ctx: DemoContext, title: string): void {
  ctx.print();
  ctx.print(`== ${title} ${'='.repeat(Math.max(0, 72 - title.length))}`);
}

export function expectStatus(reply: { status: number; body: unknown }, status: number, what: string): void {
  if (reply.status !== status)
    throw new Error(`${what}: expected ${status}, got ${reply.status} ${JSON.stringify(reply.body)}`);
}

export async function signIn(ctx: DemoContext): Promise<Session> {
  heading(ctx, '1. A JWT is self-contained: header.payload.signature');
  const username = `demo-${randomBytes(3).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  expectStatus(await call(ctx.gw, 'POST', '/auth/register', { body: { username, password } }), 201, 'register');
  const login = await call(ctx.gw, 'POST', '/auth/login', { body: { username, password } });
  expectStatus(login, 200, 'login');
  const token: string = login.body.access_token;
  const [header, payload, signature] = token.split('.') as [string, string, string];
  ctx.print(`Registered and logged in as "${username}" (served by ${login.servedBy}). The access token:`);
  ctx.print(`  ${header.slice(0, 24)}...  .  ${payload.slice(0, 24)}...  .  ${signature.slice(0, 24)}...`);
  const decoded = jwt.decode(token, { complete: true })!;
  const claims = decoded.payload as Record<string, unknown>;
  ctx.print(`Header    ${JSON.stringify(decoded.header)}`);
  ctx.print('Payload, three kinds of claims (RFC 7519 §4):');
  for (const name of REGISTERED.filter((claim) => claim in claims)) {
    const value = claims[name];
    const when =
      (name === 'exp' || name === 'iat') && typeof value === 'number'
        ? `  (${new Date(value * 1000).toISOString()})`
        : '';
    ctx.print(`  registered  ${name.padEnd(4)} ${JSON.stringify(value)}${when}`);
  }
  ctx.print(`  public      ${IS_ADMIN_CLAIM} = ${JSON.stringify(claims[IS_ADMIN_CLAIM])}`);
  for (const name of Object.keys(claims).filter((claim) => !REGISTERED.includes(claim) && claim !== IS_ADMIN_CLAIM)) {
    ctx.print(`  private     ${name} = ${JSON.stringify(claims[name])}`);
  }
  const jwks = await call(ctx.gw, 'GET', '/.well-known/jwks.json');
  const jwk = jwks.body.keys.find((key: { kid: string }) => key.kid === decoded.header.kid);
  jwt.verify(token, createPublicKey({ key: jwk, format: 'jwk' }), { algorithms: ['RS256'] });
  ctx.print(
    `Signature ${signature.length} base64url chars: RS256 by key ${decoded.header.kid?.slice(0, 12)}..., verified here`,
  );
  ctx.print('          with nothing but the public JWKS: no session store, no call to the issuer.');
  return new Session(ctx.gw, { username, password, accessToken: token, refreshToken: login.body.refresh_token });
}

export async function whoServed(ctx: DemoContext, session: Session): Promise<void> {
  heading(ctx, '2. Any replica serves any token: nothing to replicate');
  const replicas = (await (await fetch(`${ctx.admin}/replicas`)).json()) as Record<
    string,
    Array<{ url: string; healthy: boolean }>
  >;
  ctx.print(
    `The gateway balances over: ${Object.entries(replicas)
      .map(([name, list]) => `${name} x${list.length}`)
      .join(', ')}`,
  );
  const tally = new Map<string, number>();
  const line: string[] = [];
  for (let i = 0; i < 12; i += 1) {
    const path = ['/api/orders', '/api/catalog/products', '/api/profile/me'][i % 3]!;
    const reply = await call(ctx.gw, 'GET', path, { token: session.accessToken });
    expectStatus(reply, 200, `GET ${path}`);
    tally.set(reply.servedBy, (tally.get(reply.servedBy) ?? 0) + 1);
    line.push(reply.servedBy.split('/')[1]!);
  }
  ctx.print(`12 calls with one token, served by: ${line.join(' ')}`);
  ctx.print(`Per replica: ${[...tally].map(([who, n]) => `${who} ${n}`).join(', ')}`);
}

export async function countState(ctx: DemoContext, session: Session): Promise<void> {
  heading(ctx, '3. Counting state: the auth store is touched only on refresh');
  const queriesBefore = await counterOverReplicas(ctx.admin, 'auth', 'db_queries_total');
  const verifiedBefore = await gatewayCounter(ctx.admin, 'gateway_token_verifications_total');
  for (let i = 0; i < ctx.calls; i += 1) {
    expectStatus(await call(ctx.gw, 'GET', '/api/orders', { token: session.accessToken }), 200, 'GET /api/orders');
  }
  const queriesAfterCalls = await counterOverReplicas(ctx.admin, 'auth', 'db_queries_total');
  const verified = total(
    delta(await gatewayCounter(ctx.admin, 'gateway_token_verifications_total'), verifiedBefore),
    (labels) => labels.includes('outcome="ok"'),
  );
  const duringCalls = total(delta(queriesAfterCalls, queriesBefore), authStoreQueries);
  const background = total(delta(queriesAfterCalls, queriesBefore), backgroundQueries);
  ctx.print(
    `${ctx.calls} authenticated API calls: ${verified} token verifications at the gateway, ${duringCalls} auth-store queries.`,
  );
  ctx.print(`  (a gateway consulting a session store would have made ${ctx.calls} store lookups; meanwhile the auth`);
  ctx.print(`   replicas' own timers made ${background} signing-key reload queries, whatever the traffic)`);

  await session.refresh();
  const byPurpose = delta(await counterOverReplicas(ctx.admin, 'auth', 'db_queries_total'), queriesAfterCalls);
  const duringRefresh = total(byPurpose, authStoreQueries);
  ctx.print(`1 refresh (what a client does when its access token expires): ${duringRefresh} auth-store queries:`);
  for (const [labels, n] of byPurpose)
    if (authStoreQueries(labels)) ctx.print(`    ${n} x ${labels.replace(/^purpose="(.*)"$/, '$1')}`);
  ctx.print('While the access token is valid the system is stateless; at expiry it briefly is not.');
}

export async function replicaGoesAway(ctx: DemoContext, session: Session): Promise<void> {
  heading(ctx, '4. A replica goes away mid-run');
  if (!ctx.cluster) {
    ctx.print('Skipped against an external cluster (the demo cannot kill its processes). Try it yourself:');
    ctx.print('  docker compose kill orders   (compose)   or   kill -9 <pid of an orders replica>   (npm start)');
    return;
  }
  const victim = ctx.cluster.replicasOf('orders')[1]!;
  const statuses: number[] = [];
  const servedBy = new Set<string>();
  const run = async () => {
    for (let i = 0; i < 15; i += 1) {
      const reply = await call(ctx.gw, 'GET', '/api/orders', { token: session.accessToken });
      statuses.push(reply.status);
      servedBy.add(reply.servedBy);
    }
  };
  const load = [run(), run()];
  await new Promise((resolve) => setTimeout(resolve, 100));
  await victim.stop('SIGKILL');
  ctx.print(`Killed ${victim.name} (SIGKILL) while 2 clients were sending GETs.`);
  await Promise.all(load);
  const failed = statuses.filter((status) => status !== 200).length;
  ctx.print(`${statuses.length} GETs, ${failed} failed; served by ${[...servedBy].sort().join(', ')}.`);
  ctx.print('The gateway ejected the dead replica and replayed the GETs it had sent there on a live one.');
  victim.start();
  await victim.waitUntilReady(30_000);
  ctx.print(`${victim.name} restarted and rejoined: no session state had to be copied to it.`);
}

export async function authGoesAway(ctx: DemoContext, session: Session): Promise<void> {
  heading(ctx, '5. The whole auth service goes away');
  if (!ctx.cluster) {
    ctx.print('Skipped against an external cluster. Try it yourself: `docker compose stop auth`, then call');
    ctx.print('/api/orders with your token (still 200) and /auth/login (503), then `docker compose start auth`.');
    return;
  }
  const auth = ctx.cluster.replicasOf('auth');
  await Promise.all(auth.map((replica) => replica.stop()));
  ctx.print(`Stopped every auth replica (${auth.map((replica) => replica.name).join(', ')}).`);
  const api = await call(ctx.gw, 'GET', '/api/orders', { token: session.accessToken });
  ctx.print(
    `GET /api/orders with the token we hold: ${api.status} (served by ${api.servedBy}): keys are cached at the gateway.`,
  );
  const login = await call(ctx.gw, 'POST', '/auth/login', {
    body: { username: session.username, password: session.password },
  });
  ctx.print(`POST /auth/login: ${login.status} ${JSON.stringify(login.body)} after ${login.ms} ms (no hang).`);
  for (const replica of auth) replica.start();
  await Promise.all(auth.map((replica) => replica.waitUntilReady(30_000)));
  let again = await call(ctx.gw, 'POST', '/auth/login', {
    body: { username: session.username, password: session.password },
  });
  for (let i = 0; again.status !== 200 && i < 40; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    again = await call(ctx.gw, 'POST', '/auth/login', {
      body: { username: session.username, password: session.password },
    });
  }
  ctx.print(
    `Started auth again; POST /auth/login: ${again.status} (served by ${again.servedBy}). Nothing else was restarted.`,
  );
}
