import { randomBytes } from 'node:crypto';
// The gateway's cache class, measured here alone.
import { VerifiedTokenCache } from '@jwt-msa/token-verifier';
import { reportToParent } from './child-role';
import { processMemory } from './proc';
import { IS_ADMIN_CLAIM } from '@jwt-msa/claims';

export interface CacheMemoryResult {
  type: 'result';
  entries: number;
  maxEntries: number;
  maxBytes: number;
  held: number;
  estimatedBytes: number;
  evictions: number;
  seconds: number;
  rssBefore: number;
  /** VmHWM: the process's peak resident set. */
  peakRss: number;
  rssAfter: number;
  heapBefore: number;
  heapAfter: number;
}

/**
 * Pushes `ENTRIES` distinct, realistic-looking tokens (real header and claims shape, a signature
 * of the real length; no signing, which would take ~0.4 ms each) through one VerifiedTokenCache
 * and reports the process's peak RSS. With the bounds, memory must plateau; with
 * MAX_ENTRIES/MAX_BYTES = Infinity the same loop shows what an unbounded cache would cost.
 */
export async function runCacheMemory(): Promise<void> {
  const entries = Number(process.env['ENTRIES']);
  const maxEntries = Number(
    process.env['MAX_ENTRIES'] === 'Infinity' ? Number.MAX_SAFE_INTEGER : process.env['MAX_ENTRIES'],
  );
  const maxBytes = Number(process.env['MAX_BYTES']);
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const cache = new VerifiedTokenCache({ maxEntries, maxBytes });

  const header = Buffer.from(
    JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid: randomBytes(32).toString('base64url') }),
  ).toString('base64url');
  const signature = randomBytes(256).toString('base64url');
  // The cache never parses the token, only hashes it: a payload part of the real length, made distinct
  // by the counter, is enough (and keeps this loop about the cache rather than about base64).
  const payloadPrefix = randomBytes(270).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  gc();
  const before = { rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed };
  const started = process.hrtime.bigint();
  for (let i = 0; i < entries; i += 1) {
    const id = `${i.toString(16).padStart(8, '0')}-7a1c-4f0e-9b2d-${(i * 7919).toString(16).padStart(12, '0').slice(-12)}`;
    const claims = {
      [IS_ADMIN_CLAIM]: false,
      username: `bench-user-${String(i).padStart(7, '0')}`,
      roles: ['user'],
      iat: now,
      exp: now + 900,
      aud: 'jwt-msa-api',
      iss: 'http://localhost:8080',
      sub: id,
      jti: `j${id}`,
    };
    const token = `${header}.${payloadPrefix}${i.toString(36)}.${signature}`;
    cache.set(token, claims);
    // A hit now and then, as real traffic would have.
    if (i % 16 === 0) cache.get(token);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  gc();
  const after = process.memoryUsage();
  const result: CacheMemoryResult = {
    type: 'result',
    entries,
    maxEntries,
    maxBytes,
    held: cache.size,
    estimatedBytes: cache.bytes,
    evictions: cache.stats().evictions,
    seconds,
    rssBefore: before.rss,
    peakRss: processMemory(process.pid).peakRss,
    rssAfter: after.rss,
    heapBefore: before.heap,
    heapAfter: after.heapUsed,
  };
  reportToParent(result);
  // Keep the cache alive until the report is out.
  if (cache.size < 0) console.log('unreachable');
}
