import { ordersService } from './app';
describe('orders-service config', () => {
  it('requires the catalog replicas and names the variable', () => {
    expect(() => ordersService.loadConfig({ DATABASE_URL: 'postgres://h/db' })).toThrow(
      'CATALOG_SERVICE_URLS is required',
    );
  });

  it('reads every catalog replica and defaults the timeout', () => {
    const config = ordersService.loadConfig({
      DATABASE_URL: 'postgres://h/db',
      CATALOG_SERVICE_URLS: 'http://catalog-1:3000/, http://catalog-2:3000',
    });
    expect(config.catalogServiceUrls).toEqual(['http://catalog-1:3000', 'http://catalog-2:3000']);
    expect(config.catalogTimeoutMs).toBe(3000);
  });

  it('rejects a bad catalog URL or timeout', () => {
    const env = { DATABASE_URL: 'postgres://h/db', CATALOG_SERVICE_URLS: 'catalog-1 3000', CATALOG_TIMEOUT_MS: '5' };
    expect(() => ordersService.loadConfig(env)).toThrow(
      /CATALOG_SERVICE_URLS must be an absolute URL.*CATALOG_TIMEOUT_MS must be between 100/,
    );
  });
});
