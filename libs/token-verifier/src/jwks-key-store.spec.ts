import { recordingServer, type RecordingServer } from '@jwt-msa/testing';
import { generateSigningKey, type SigningKey } from '@jwt-msa/token-issuer';
import { JwksKeyStore, TokenRejectedError } from './index';

let key: SigningKey;
let server: RecordingServer;
const fetches = () => server.requests.length;

beforeAll(async () => {
  key = await generateSigningKey();
  // A slow issuer: the fetch an unknown kid causes takes a while.
  server = await recordingServer(async () => {
    await new Promise((resolve) => setTimeout(resolve, 300).unref());
    return { body: { keys: [key.publicJwk] } };
  });
});
afterAll(() => server.close());

describe('JwksKeyStore under a flood of unknown kids', () => {
  it('refuses unknown kids at once instead of parking them behind a fetch another unknown kid caused', async () => {
    const store = new JwksKeyStore({
      jwksUris: [`${server.url}/jwks`],
      cacheMaxAgeMs: 60_000,
      staleFallbackMs: 60_000,
      refetchesPerMinute: 5,
      timeoutMs: 2000,
    });
    expect(await store.preload()).toBe(1);
    const before = fetches();
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
    expect(fetches() - before).toBe(1);
    await expect(store.getKey(key.kid)).resolves.toBeDefined();
  });
});
