import { principalOfUser } from '@jwt-msa/claims';
import { createLogger } from '@jwt-msa/service-defaults';
import { UpstreamPool } from '@jwt-msa/upstreams';
import { RealCatalog } from '../test/real-catalog';
import { CatalogClient } from './data-access/catalog-client';

let catalog: RealCatalog;
afterAll(() => catalog.stop());

describe('CatalogClient', () => {
  it('spreads lookups over every address one DNS name resolves to (real replicas on 127.0.0.2 and 127.0.0.3)', async () => {
    catalog = await RealCatalog.start();
    const first = new URL(await catalog.addReplica('catalog-a', { host: '127.0.0.2' }));
    await catalog.addReplica('catalog-b', { host: '127.0.0.3', port: Number(first.port) });
    const products = await catalog.productIds(first.origin);
    const replicas = new UpstreamPool('catalog', [`http://catalog.internal:${first.port}`], {
      refreshMs: 60_000,
      ejectMs: 10_000,
      resolve: async () => ['127.0.0.2', '127.0.0.3'],
    });
    const client = new CatalogClient({ replicas, timeoutMs: 3000, logger: createLogger('orders', 'test', 'silent') });
    const context = {
      principal: principalOfUser({ sub: 'u-1', username: 'alice', roles: ['user'] }),
      requestId: 'r-1',
    };

    for (let i = 0; i < 4; i += 1) {
      expect(await client.findProduct(products['USB-C cable']!, context)).toMatchObject({
        name: 'USB-C cable',
        price: 9.99,
      });
    }
    expect(catalog.seen.map((seen) => seen.replica)).toEqual(['catalog-a', 'catalog-b', 'catalog-a', 'catalog-b']);
    expect(catalog.seen[0]!.headers).toMatchObject({
      'x-user-id': 'u-1',
      'x-user-name': 'alice',
      'x-request-id': 'r-1',
    });
  });
});
