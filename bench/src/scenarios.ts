import type { ChartBar } from './report';

/** Which process serves a scenario's requests. */
export type Target =
  | 'gateway'
  | 'gateway-log-info'
  | 'gateway-b'
  | 'gateway-revocations'
  | 'session-gateway'
  | 'plain-proxy'
  | 'peer-express-jwt'
  | 'upstream';

export interface ScenarioInfo {
  id: string;
  label: string;
  kind: ChartBar['kind'];
  target: Target;
  description: string;
  /** Concurrent connections of this scenario's load when not --connections (the connection sweep). */
  connections?: number;
}

export const PUBLIC_PATH = '/api/catalog/products';
export const PROTECTED_PATH = '/api/orders';

export const SCENARIOS: readonly ScenarioInfo[] = [
  {
    id: 'auth-off',
    label: 'gateway, auth off (public route) = baseline',
    kind: 'baseline',
    target: 'gateway',
    description: `GET ${PUBLIC_PATH}: a public route, no verification (the same Authorization header is sent, and ignored)`,
  },
  {
    id: 'jwt-cached',
    label: 'gateway, JWT, same token (cache hits)',
    kind: 'jwt',
    target: 'gateway',
    description: `GET ${PROTECTED_PATH} with one valid token repeated: verified once, then served from the verified-token cache (when wired)`,
  },
  {
    id: 'jwt-uncached',
    label: 'gateway, JWT, fresh token each time (misses)',
    kind: 'jwt',
    target: 'gateway',
    description: `GET ${PROTECTED_PATH}, cycling a pool of distinct pre-signed tokens larger than the gateway's cache: every request is a full RS256 verification`,
  },
  {
    id: 'jwt-cached-revocations-100k',
    label: 'gateway, JWT cached, 100,000 revocations held',
    kind: 'jwt',
    target: 'gateway-revocations',
    description: `As jwt-cached, on a gateway following a revocation feed with 100,000 live entries (other users'): each request is also looked up in the deny-list`,
  },
  {
    id: 'session-store',
    label: 'session gateway (PostgreSQL per request)',
    kind: 'session',
    target: 'session-gateway',
    description: `GET ${PROTECTED_PATH} with a "sid" cookie: apps/session-gateway (the counter-example) with SESSION_STORE=postgres, one indexed lookup per request`,
  },
  {
    id: 'jwt-flood',
    label: 'gateway, JWT cached + unknown-kid flood (valid req/s)',
    kind: 'jwt',
    target: 'gateway',
    description: `GET ${PROTECTED_PATH}: the cached token, with a share of requests carrying tokens with random unknown kids; req/s counts the valid (2xx) ones`,
  },
  {
    id: 'auth-off-log-info',
    label: 'gateway, auth off, LOG_LEVEL=info',
    kind: 'baseline',
    target: 'gateway-log-info',
    description: `As auth-off, on a second gateway process logging one info line per request (to a file)`,
  },
  {
    id: 'peer-express-jwt-uncached',
    label: 'peer: express + express-jwt + jwks-rsa, fresh tokens',
    kind: 'reference',
    target: 'peer-express-jwt',
    description: `GET ${PROTECTED_PATH} through express + express-jwt (jwks-rsa expressJwtSecret, cache and rate limit on, as their READMEs show) + http-proxy-middleware, cycling the distinct-token pool`,
  },
  {
    id: 'peer-express-jwt-cached',
    label: 'peer: express + express-jwt + jwks-rsa, same token',
    kind: 'reference',
    target: 'peer-express-jwt',
    description: `As peer-express-jwt-uncached with one token repeated (express-jwt verifies every request: it has no verified-token cache)`,
  },
  ...[10, 200].flatMap((connections): ScenarioInfo[] => [
    {
      id: `auth-off-c${connections}`,
      label: `gateway, auth off, ${connections} connections`,
      kind: 'baseline',
      target: 'gateway',
      description: `As auth-off with ${connections} concurrent connections (the connection sweep)`,
      connections,
    },
    {
      id: `jwt-cached-c${connections}`,
      label: `gateway, JWT cached, ${connections} connections`,
      kind: 'jwt',
      target: 'gateway',
      description: `As jwt-cached with ${connections} concurrent connections (the connection sweep)`,
      connections,
    },
  ]),
  {
    id: 'plain-proxy',
    label: 'plain Node http proxy (reference)',
    kind: 'reference',
    target: 'plain-proxy',
    description: 'node:http server piping to the upstream over a keep-alive agent; no framework, no checks',
  },
  {
    id: 'direct',
    label: 'upstream direct, no proxy (reference)',
    kind: 'reference',
    target: 'upstream',
    description: "The stand-in upstream itself; CPU is the upstream's",
  },
];

/** Suffix of the scenarios run against a second gateway bundle (`--compare-bundle`): an interleaved A/B. */
export const VARIANT_SUFFIX = '@B';
/** The scenarios that get a B twin with --compare-bundle. */
export const COMPARED_SCENARIOS = ['auth-off', 'jwt-cached', 'jwt-uncached'];

export function baseScenarioId(id: string): string {
  return id.endsWith(VARIANT_SUFFIX) ? id.slice(0, -VARIANT_SUFFIX.length) : id;
}

export function scenarioInfo(id: string): ScenarioInfo {
  const info = SCENARIOS.find((scenario) => scenario.id === baseScenarioId(id));
  if (!info) throw new Error(`unknown scenario "${id}"`);
  if (id === info.id) return info;
  return {
    ...info,
    id,
    label: `${info.label} [B]`,
    target: 'gateway-b',
    description: `${info.description}; on the --compare-bundle gateway`,
  };
}

/**
 * This run's scenarios: all, or those of --only, in the order of SCENARIOS; then, with
 * --compare-bundle, the B twin of each compared one. An unknown --only id throws.
 */
export function selectScenarioIds(only: readonly string[] | undefined, compareBundle: string | undefined): string[] {
  const selected = SCENARIOS.map((scenario) => scenario.id).filter((id) => !only || only.includes(id));
  const scenarioIds = compareBundle
    ? [...selected, ...selected.filter((id) => COMPARED_SCENARIOS.includes(id)).map((id) => `${id}${VARIANT_SUFFIX}`)]
    : selected;
  for (const id of only ?? []) scenarioInfo(id);
  return scenarioIds;
}

/** The processes the given scenarios need. */
export function targetsOf(scenarioIds: readonly string[]): Set<Target> {
  return new Set(scenarioIds.map((id) => scenarioInfo(id).target));
}

/** The order of one round: the list rotated by a different offset each round, so no scenario always runs first or after the same one. */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  if (items.length === 0) return [];
  const step = items.length > 3 ? 3 : 1;
  const offset = (round * step) % items.length;
  const rotated = [...items.slice(offset), ...items.slice(0, offset)];
  return round % 2 === 1 ? rotated.reverse() : rotated;
}

/** The items of `pool` that belong to one of `parts` connections (every parts-th, from its index). */
export function sliceFor<T>(pool: readonly T[], part: number, parts: number): T[] {
  const slice: T[] = [];
  for (let i = part % parts; i < pool.length; i += parts) slice.push(pool[i]!);
  return slice;
}

/**
 * A connection's request rotation for the flood: one flood item every `period` requests, the
 * rest valid. With a flood slice of k items, the list is k * period long.
 */
export function interleave<T>(valid: T, flood: readonly T[], period: number): T[] {
  const list: T[] = [];
  for (const bad of flood) {
    for (let i = 1; i < period; i += 1) list.push(valid);
    list.push(bad);
  }
  return list;
}
