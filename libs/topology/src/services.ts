/**
 * What a service is to the rest of the system:
 * - `data`: a domain or issuer service that owns a PostgreSQL database of its own;
 * - `edge`: a public entry point that routes to the other services (the gateway; the session
 *   gateway, the counter-example that keeps server-side sessions);
 * - `static`: serves files and read-only figures, no database.
 */
export type ServiceKind = 'data' | 'edge' | 'static';

export interface ServiceEntry {
  /** The Nx project under apps/, its bundle dist/apps/<app>/main.js and its image jwt-msa/<app>. */
  readonly app: string;
  readonly kind: ServiceKind;
  /** The database a data service owns (one database, and one role, per service). */
  readonly database?: string;
  /** Other services this one calls itself, by name (orders asks catalog for prices). */
  readonly calls?: readonly string[];
  /**
   * An edge's shared session table: a database of this name on a PostgreSQL server of its own,
   * so stopping the session store stops nothing else (the session gateway's postgres store; the
   * compose stack puts the database on its one server instead, docs/deployment.md says why).
   */
  readonly sessionDatabase?: string;
  /** Built to be measured against (the session gateway), not part of a default deployment. */
  readonly counterExample?: boolean;
}

/**
 * The services of the system, in start order: the one list that the gateway's upstream settings
 * and route types, the local launcher and the deployment checks are derived from. Adding a
 * service is one entry here plus its app under apps/.
 */
export const SERVICES = {
  auth: { app: 'auth-service', kind: 'data', database: 'auth' },
  catalog: { app: 'catalog-service', kind: 'data', database: 'catalog' },
  orders: { app: 'orders-service', kind: 'data', database: 'orders', calls: ['catalog'] },
  profile: { app: 'profile-service', kind: 'data', database: 'profile' },
  console: { app: 'console', kind: 'static' },
  gateway: { app: 'gateway', kind: 'edge' },
  'session-gateway': { app: 'session-gateway', kind: 'edge', sessionDatabase: 'sessions', counterExample: true },
} as const satisfies Record<string, ServiceEntry>;

export type ServiceName = keyof typeof SERVICES;
export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

/** Services an edge routes requests to: every one that is not an edge itself. */
export type UpstreamName = {
  [K in ServiceName]: (typeof SERVICES)[K]['kind'] extends 'edge' ? never : K;
}[ServiceName];
export const UPSTREAM_NAMES = SERVICE_NAMES.filter((name): name is UpstreamName => SERVICES[name].kind !== 'edge');

export type EdgeName = Exclude<ServiceName, UpstreamName>;
export const EDGE_NAMES = SERVICE_NAMES.filter((name): name is EdgeName => SERVICES[name].kind === 'edge');

/** Static services are optional behind an edge: a deployment may leave them out (production does). */
export function isOptionalUpstream(name: UpstreamName): boolean {
  return SERVICES[name].kind === 'static';
}

export function isServiceName(name: string): name is ServiceName {
  return Object.hasOwn(SERVICES, name);
}

/** The upstreams a service calls (its entry's `calls`), typed. */
export function callsOf(name: ServiceName): UpstreamName[] {
  const entry: ServiceEntry = SERVICES[name];
  return (entry.calls ?? []).filter((callee): callee is UpstreamName => (UPSTREAM_NAMES as string[]).includes(callee));
}

/**
 * The variable that lists an upstream's replica URLs, for every service that calls it:
 * `CATALOG_SERVICE_URLS` for catalog.
 */
export function upstreamUrlsVariable(name: UpstreamName): `${Uppercase<UpstreamName>}_SERVICE_URLS` {
  return `${name.toUpperCase() as Uppercase<UpstreamName>}_SERVICE_URLS`;
}

/** The services a default deployment runs: every one but the counter-examples (compose runs those under a profile). */
export const DEPLOYED_SERVICE_NAMES = SERVICE_NAMES.filter((name) => !(SERVICES[name] as ServiceEntry).counterExample);
