import { ConfigError } from '@jwt-msa/config';
import { loadSessionGatewayConfig, peersOf } from './config';

const base = {
  AUTH_SERVICE_URLS: 'http://auth:3000',
  CATALOG_SERVICE_URLS: 'http://catalog:3000',
  ORDERS_SERVICE_URLS: 'http://orders:3000',
  PROFILE_SERVICE_URLS: 'http://profile:3000',
  CREDENTIALS_CHECK_SECRET: 'x'.repeat(32),
};

describe('session gateway configuration', () => {
  it('defaults to the memory store on port 8090 and reads the peers of the replicated one', () => {
    expect(loadSessionGatewayConfig(base)).toMatchObject({
      port: 8090,
      sessionStore: 'memory',
      sessionCookieSecure: false,
    });
    const replicated = loadSessionGatewayConfig({
      ...base,
      SESSION_STORE: 'replicated',
      SESSION_REPLICATION_SECRET: 'r'.repeat(32),
      SESSION_PEERS: 'http://10.0.0.2:9465/, http://10.0.0.3:9465',
    });
    expect(peersOf(replicated)).toEqual(['http://10.0.0.2:9465', 'http://10.0.0.3:9465']);
  });

  it.each([
    [{ CREDENTIALS_CHECK_SECRET: 'short' }, /CREDENTIALS_CHECK_SECRET must match/],
    [{ SESSION_STORE: 'postgres' }, /DATABASE_URL is required with SESSION_STORE=postgres/],
    [{ SESSION_STORE: 'replicated' }, /SESSION_REPLICATION_SECRET of at least 32 characters is required/],
    [{ SESSION_IDLE_SECONDS: '600', SESSION_ABSOLUTE_SECONDS: '60' }, /must not be shorter than SESSION_IDLE_SECONDS/],
    [{ SESSION_PEERS: 'ftp://peer' }, /"ftp:\/\/peer" is not an http\(s\) URL/],
    [{ SESSION_ALLOWED_ORIGINS: 'not a url' }, /"not a url" is not an http\(s\) URL/],
  ])('refuses %j', (env, message) => {
    expect(() => loadSessionGatewayConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadSessionGatewayConfig({ ...base, ...env })).toThrow(message);
  });
});
