import type { BenchArgs } from './args';
import { AUDIENCE, FLOOD_TOKENS_PER_CONNECTION, ISSUER, TOKEN_TTL_SECONDS } from './bench-settings';
import { newBenchKey, signTokensInWorkers, type BenchKey } from './tokens';

export interface PoolKeys {
  /** Signs the valid tokens; the stand-in JWKS publishes its public half. */
  issuer: BenchKey;
  /** Signs the flood's tokens: a key the gateway has never heard of. */
  stranger: BenchKey;
}

export interface TokenPools {
  /** One valid token, sent over and over (the cache-hit scenarios, the sanity checks). */
  cached: string;
  /** Distinct valid tokens, more than the gateway's cache holds (the cache-miss scenario). */
  pool: string[];
  /** Tokens of the stranger's key, each with its own unknown kid. */
  flood: string[];
}

export async function newPoolKeys(): Promise<PoolKeys> {
  const [issuer, stranger] = await Promise.all([newBenchKey(), newBenchKey()]);
  return { issuer, stranger };
}

export function floodTokenCount(connections: number): number {
  return connections * FLOOD_TOKENS_PER_CONNECTION;
}

/** Real RS256 access tokens, signed in worker threads before anything is measured. */
export async function signTokenPools(
  keys: PoolKeys,
  args: Pick<BenchArgs, 'poolSize' | 'connections'>,
  bundleFile: string,
): Promise<TokenPools> {
  const job = { issuer: ISSUER, audience: AUDIENCE, ttlSeconds: TOKEN_TTL_SECONDS };
  const [cached, ...pool] = await signTokensInWorkers(
    { ...job, pem: keys.issuer.pem, count: args.poolSize + 1, firstIndex: 0, randomKids: false },
    bundleFile,
  );
  const flood = await signTokensInWorkers(
    { ...job, pem: keys.stranger.pem, count: floodTokenCount(args.connections), firstIndex: 500_000, randomKids: true },
    bundleFile,
  );
  if (cached === undefined) throw new Error('no valid token was signed');
  return { cached, pool, flood };
}
