import {
  callsOf,
  DEPLOYED_SERVICE_NAMES,
  EDGE_NAMES,
  isOptionalUpstream,
  isServiceName,
  SERVICE_NAMES,
  SERVICES,
  UPSTREAM_NAMES,
  upstreamUrlsVariable,
} from './index';

describe('the service list', () => {
  it('splits the services into edges and the upstreams they route to', () => {
    expect(EDGE_NAMES).toEqual(['gateway', 'session-gateway']);
    expect(UPSTREAM_NAMES).toEqual(['auth', 'catalog', 'orders', 'profile', 'console']);
    expect([...UPSTREAM_NAMES, ...EDGE_NAMES].sort()).toEqual([...SERVICE_NAMES].sort());
    expect(SERVICE_NAMES.filter((name) => !DEPLOYED_SERVICE_NAMES.includes(name))).toEqual(['session-gateway']);
  });

  it('gives every data service a database of its own', () => {
    const databases = SERVICE_NAMES.filter((name) => SERVICES[name].kind === 'data').map(
      (name) => (SERVICES[name] as { database?: string }).database,
    );
    expect(databases.every((database) => typeof database === 'string')).toBe(true);
    expect(new Set(databases).size).toBe(databases.length);
  });

  it('makes only the static services optional behind an edge', () => {
    expect(UPSTREAM_NAMES.filter(isOptionalUpstream)).toEqual(['console']);
    expect(SERVICES.console).toEqual({ app: 'console', kind: 'static' });
  });

  it('names the calls between services and the variables that carry their URLs', () => {
    expect(callsOf('orders')).toEqual(['catalog']);
    expect(callsOf('profile')).toEqual([]);
    expect(upstreamUrlsVariable('catalog')).toBe('CATALOG_SERVICE_URLS');
    expect(isServiceName('orders')).toBe(true);
    expect(isServiceName('toString')).toBe(false);
  });
});
