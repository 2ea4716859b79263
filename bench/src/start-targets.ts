import { existsSync } from 'node:fs';
import path from 'node:path';
import { getFreePort } from '@jwt-msa/local-postgres';
import type { BenchArgs } from './args';
import {
  AUDIENCE,
  GATEWAY_CACHE_ENTRIES_ENV,
  ISSUER,
  JWKS_REFETCHES_PER_MINUTE,
  REVOCATION_FEED_SECRET,
} from './bench-settings';
import type { JwksStandIn } from './jwks-server';
import { minimalEnv, waitForHttp, type ChildProcesses } from './processes';
import type { Target } from './scenarios';
import type { SessionStore } from './session-store';

/** Where a target serves, and under which name its process runs. */
export interface TargetAddress {
  origin: string;
  name: string;
  /** Only the real gateways have one: /metrics with their verification and cache counters. */
  adminOrigin?: string;
}

/** The processes serving this run's scenarios, by target, in the order they came up. */
export class RunningTargets {
  private readonly byTarget = new Map<Target, TargetAddress>();

  add(target: Target, endpoint: TargetAddress): void {
    this.byTarget.set(target, endpoint);
  }

  endpoint(target: Target): TargetAddress {
    const endpoint = this.byTarget.get(target);
    if (!endpoint) throw new Error(`${target} was not started: no selected scenario needs it`);
    return endpoint;
  }

  has(target: Target): boolean {
    return this.byTarget.has(target);
  }

  started(): Target[] {
    return [...this.byTarget.keys()];
  }

  endpoints(): TargetAddress[] {
    return [...this.byTarget.values()];
  }
}

export interface TargetSetup {
  args: BenchArgs;
  /** The gateway bundle under test, resolved (see existingGatewayBundle). */
  gatewayBundle: string;
  /** This bench's own bundle, started with `--role <name>` for the stand-ins. */
  bundleFile: string;
  workDir: string;
  children: ChildProcesses;
  jwks: JwksStandIn;
  store: SessionStore | undefined;
  needed: ReadonlySet<Target>;
}

/** The gateway bundle under test, resolved; missing, it would fail much later and less clearly. */
export function existingGatewayBundle(gatewayBundle: string): string {
  const resolved = path.resolve(gatewayBundle);
  if (!existsSync(resolved))
    throw new Error(`${resolved} is missing: build it with "node tools/build-app.mjs gateway" (npm run bench does)`);
  return resolved;
}

/** The upstream first (everything proxies to it), then every other needed target at once. */
export async function startTargets(setup: TargetSetup): Promise<RunningTargets> {
  const { args, gatewayBundle, needed, store } = setup;
  const targets = new RunningTargets();
  const upstream = await startBenchRole(setup, 'upstream', {});
  targets.add('upstream', upstream);
  const started = (target: Target) => (endpoint: TargetAddress) => targets.add(target, endpoint);

  const starting: Array<Promise<void>> = [];
  if (needed.has('gateway'))
    starting.push(startGateway(setup, 'gateway', 'warn', gatewayBundle, upstream).then(started('gateway')));
  if (needed.has('gateway-b') && args.compareBundle)
    starting.push(
      startGateway(setup, 'gateway-b', 'warn', path.resolve(args.compareBundle), upstream).then(started('gateway-b')),
    );
  if (needed.has('gateway-log-info'))
    starting.push(
      startGateway(setup, 'gateway-log-info', 'info', gatewayBundle, upstream).then(started('gateway-log-info')),
    );
  if (needed.has('gateway-revocations'))
    starting.push(
      startGateway(setup, 'gateway-revocations', 'warn', gatewayBundle, upstream, {
        REVOCATION_FEED_SECRET,
      }).then(started('gateway-revocations')),
    );
  if (needed.has('plain-proxy'))
    starting.push(startBenchRole(setup, 'plain-proxy', { UPSTREAM_URL: upstream.origin }).then(started('plain-proxy')));
  if (needed.has('peer-express-jwt'))
    starting.push(
      startBenchRole(setup, 'peer-express-jwt', {
        UPSTREAM_URL: upstream.origin,
        JWKS_URL: `${setup.jwks.url}/.well-known/jwks.json`,
      }).then(started('peer-express-jwt')),
    );
  if (store) starting.push(startSessionGateway(setup, store, upstream).then(started('session-gateway')));
  await Promise.all(starting);
  return targets;
}

/** A stand-in from this bench's bundle (`--role <name>`), which reports its port over IPC when ready. */
async function startBenchRole(
  setup: TargetSetup,
  role: 'upstream' | 'plain-proxy' | 'peer-express-jwt',
  env: Record<string, string>,
): Promise<TargetAddress> {
  const { message } = await setup.children.startAndWait({
    name: role,
    file: setup.bundleFile,
    args: ['--role', role],
    env: minimalEnv(env),
    logFile: path.join(setup.workDir, `${role}.log`),
  });
  return { origin: `http://127.0.0.1:${message.port}`, name: role };
}

/**
 * The session gateway with the postgres store, as in production but for its logins (the bench
 * seeds the sessions itself, so its credentials check is never called).
 */
async function startSessionGateway(
  setup: TargetSetup,
  store: SessionStore,
  upstream: TargetAddress,
): Promise<TargetAddress> {
  const { args, children } = setup;
  // Beside this bench's bundle (dist/bench/main.js): where `npm run bench` builds apps/session-gateway.
  const bundle = path.resolve(path.dirname(setup.bundleFile), '..', 'apps', 'session-gateway', 'main.js');
  if (!existsSync(bundle))
    throw new Error(
      `${bundle} is missing: build it with "node tools/build-app.mjs session-gateway" (npm run bench does)`,
    );
  const name = 'session-gateway';
  const [port, adminPort] = [await getFreePort(), await getFreePort()];
  children.start({
    name,
    file: bundle,
    logFile: path.join(setup.workDir, `${name}.log`),
    env: minimalEnv({
      HOST: '127.0.0.1',
      PORT: String(port),
      ADMIN_PORT: String(adminPort),
      INSTANCE_ID: name,
      LOG_LEVEL: 'warn',
      SESSION_STORE: 'postgres',
      DATABASE_URL: store.databaseUrl,
      DATABASE_POOL_SIZE: String(args.sessionPool),
      CREDENTIALS_CHECK_SECRET: 'bench-never-logs-in-through-the-session-gateway',
      AUTH_SERVICE_URLS: setup.jwks.url,
      CATALOG_SERVICE_URLS: upstream.origin,
      ORDERS_SERVICE_URLS: upstream.origin,
      PROFILE_SERVICE_URLS: upstream.origin,
    }),
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/readyz`, 30_000, () => children.isRunning(name)).catch((error: Error) => {
    throw new Error(`${error.message}\n${children.logTail(name)}`);
  });
  return { origin, name, adminOrigin: `http://127.0.0.1:${adminPort}` };
}

/** A real gateway bundle, configured by env as in production, ready when /readyz answers. */
async function startGateway(
  setup: TargetSetup,
  name: 'gateway' | 'gateway-log-info' | 'gateway-b' | 'gateway-revocations',
  logLevel: string,
  bundle: string,
  upstream: TargetAddress,
  extraEnv: Record<string, string> = {},
): Promise<TargetAddress> {
  const { args, children, jwks } = setup;
  const [port, adminPort] = [await getFreePort(), await getFreePort()];
  children.start({
    name,
    file: bundle,
    execArgv: args.gatewayNodeArgs,
    logFile: path.join(setup.workDir, `${name}.log`),
    env: minimalEnv({
      HOST: '127.0.0.1',
      PORT: String(port),
      ADMIN_PORT: String(adminPort),
      INSTANCE_ID: name,
      LOG_LEVEL: logLevel,
      AUTH_SERVICE_URLS: jwks.url,
      JWKS_URLS: `${jwks.url}/.well-known/jwks.json`,
      CATALOG_SERVICE_URLS: upstream.origin,
      ORDERS_SERVICE_URLS: upstream.origin,
      PROFILE_SERVICE_URLS: upstream.origin,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      JWKS_REFETCHES_PER_MINUTE: String(JWKS_REFETCHES_PER_MINUTE),
      [GATEWAY_CACHE_ENTRIES_ENV]: String(args.cacheEntries),
      ...extraEnv,
    }),
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/readyz`, 30_000, () => children.isRunning(name)).catch((error: Error) => {
    throw new Error(`${error.message}\n${children.logTail(name)}`);
  });
  return { origin, name, adminOrigin: `http://127.0.0.1:${adminPort}` };
}
