import { setting } from '@jwt-msa/config';
import { isOptionalUpstream, SERVICES, upstreamUrlsVariable, type UpstreamName } from '@jwt-msa/topology';

/** How every caller of an upstream (an edge, orders → catalog) keeps its view of the replicas. */
export const upstreamPoolSettings = {
  upstreamDnsRefreshMs: setting.integer('UPSTREAM_DNS_REFRESH_MS', {
    default: 5000,
    min: 100,
    description:
      'How often upstream DNS names are re-resolved, so every replica behind a name (compose --scale, headless Service) gets traffic.',
  }),
  upstreamEjectMs: setting.integer('UPSTREAM_EJECT_MS', {
    default: 10_000,
    min: 0,
    description: 'How long a replica that refused or reset a connection stays out of rotation.',
  }),
};

/**
 * The replica URLs of one upstream, as every service that calls it declares them. An optional
 * upstream (the console) may be left unset: the edge then does not route to it at all.
 */
export function upstreamUrlsSetting(name: UpstreamName) {
  const description = `Comma-separated base URLs of the ${SERVICES[name].app} replicas; a DNS name stands for every address it resolves to.`;
  return setting.urlList(
    upstreamUrlsVariable(name),
    isOptionalUpstream(name)
      ? {
          description: `${description} Unset: not deployed, its routes answer 404.`,
          default: [],
          defaultLabel: 'unset',
        }
      : { description },
  );
}
