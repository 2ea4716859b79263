import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateSigningKey, type SigningKey } from '@jwt-msa/token-issuer';
import { JwksKeyStore, TokenRejectedError } from './index';

let key: SigningKey;
let server: Server;
let fetches = 0;

beforeAll(async () => {
  key = await generateSigningKey();
  server = createServer((_req, res) => {
    fetches += 1;
    // A slow issuer: the fetch an unknown kid causes takes a while.
    setTimeout(() => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [key.publicJwk] }));
    }, 300).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(
  () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
);

describe('JwksKeyStore under a flood of unknown kids', () => {
  it('refuses unknown kids at once instead of parking them behind a fetch another unknown kid caused', async () => {
    const store = new JwksKeyStore({
      jwksUris: [`http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`],
      cacheMaxAgeMs: 60_000,
      staleFallbackMs: 60_000,
      refetchesPerMinute: 5,
      timeoutMs: 2000,
    });
    expect(await store.preload()).toBe(1);
    const before = fetches;
    const first = store.getKey('random-kid-1').catch((error: unknown) => error);
    const started = Date.now();
    const followers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.getKey(`random-kid-${i + 2}`).catch((error: unknown) => error)),
    );
    expect(Date.now() - started).toBeLessThan(100);
    expect(followers.every((error) => error instanceof TokenRejectedError && error.reason === 'unknown_kid')).toBe(
      true,
    );
    expect(await first).toBeInstanceOf(TokenRejectedError);
    expect(fetches - before).toBe(1);
    await expect(store.getKey(key.kid)).resolves.toBeDefined();
  });
});
