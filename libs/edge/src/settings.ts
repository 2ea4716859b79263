import { setting, type ConfigOf, type Setting } from '@jwt-msa/config';
import { UPSTREAM_NAMES, type UpstreamName } from '@jwt-msa/topology';
import { upstreamPoolSettings, upstreamUrlsSetting } from '@jwt-msa/upstreams';

type UpstreamUrlSettings = { readonly [K in UpstreamName as `${K}ServiceUrls`]: Setting<string[]> };

const urlsKey = (name: UpstreamName) => `${name}ServiceUrls` as const;

/** `AUTH_SERVICE_URLS`, `CATALOG_SERVICE_URLS`, ...: one per upstream of the service list. */
const upstreamUrlSettings = Object.fromEntries(
  UPSTREAM_NAMES.map((name) => [urlsKey(name), upstreamUrlsSetting(name)]),
) as UpstreamUrlSettings;

/** What every edge (the gateway, the session gateway) needs to reach the services. */
export const edgeSettings = {
  ...upstreamUrlSettings,
  ...upstreamPoolSettings,
  upstreamTimeoutMs: setting.integer('UPSTREAM_TIMEOUT_MS', {
    default: 10_000,
    min: 100,
    description: 'How long an upstream may take to answer before the edge answers 504.',
  }),
  adminPort: setting.port('ADMIN_PORT', {
    default: 9464,
    description: 'Internal listener for `/metrics` and `/replicas` (never expose it publicly; `0` = any free port).',
  }),
};

export type EdgeConfig = ConfigOf<typeof edgeSettings>;

/** The configured replica URLs of every upstream, by name. */
export function upstreamUrlsOf(config: EdgeConfig): Record<UpstreamName, readonly string[]> {
  const urls = {} as Record<UpstreamName, readonly string[]>;
  for (const name of UPSTREAM_NAMES) urls[name] = config[urlsKey(name)];
  return urls;
}
