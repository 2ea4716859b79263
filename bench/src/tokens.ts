import { randomBytes, randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
// The bench plays the issuer (as the auth service would) to sign its token pools.
import {
  AccessTokenSigner,
  exportPrivateKeyPem,
  generateSigningKey,
  signingKeyFromPem,
  type PublicJwk,
} from '@jwt-msa/token-issuer';

export interface SignJob {
  /** PKCS#8 PEM of the signing key (workers cannot receive a KeyObject's private half otherwise). */
  pem: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
  count: number;
  /** Numbering of the subjects (bench-user-<n>), so parallel batches make distinct users. */
  firstIndex: number;
  /** Each token gets its own random kid (one the JWKS does not know): the flood's tokens. */
  randomKids: boolean;
}

export const SIGN_WORKER_ROLE = 'bench-sign-tokens';

export interface BenchKey {
  pem: string;
  publicJwk: PublicJwk;
}

/** A fresh RSA-2048 signing key, as PEM (for the workers) and as the JWK the stand-in JWKS publishes. */
export async function newBenchKey(): Promise<BenchKey> {
  const key = await generateSigningKey();
  return { pem: exportPrivateKeyPem(key), publicJwk: key.publicJwk };
}

/** Signs `count` real access tokens, each for its own subject (so each is distinct). */
export function signTokens(job: SignJob): string[] {
  const key = signingKeyFromPem(job.pem);
  const signer = new AccessTokenSigner({ issuer: job.issuer, audience: job.audience, ttlSeconds: job.ttlSeconds });
  const tokens: string[] = [];
  for (let i = 0; i < job.count; i += 1) {
    const n = job.firstIndex + i;
    const signingKey = job.randomKids ? { ...key, kid: randomBytes(32).toString('base64url') } : key;
    tokens.push(
      signer.sign(signingKey, {
        sub: randomUUID(),
        username: `bench-user-${String(n).padStart(6, '0')}`,
        roles: ['user'],
      }).token,
    );
  }
  return tokens;
}

/** Signs in worker threads (RSA signing is CPU-bound, ~0.4 ms a token), one per core. */
export async function signTokensInWorkers(job: SignJob, bundleFile: string): Promise<string[]> {
  const workers = Math.max(1, Math.min(cpus().length, Math.ceil(job.count / 200)));
  const per = Math.ceil(job.count / workers);
  const batches = Array.from({ length: workers }, (_, w) => ({
    ...job,
    firstIndex: job.firstIndex + w * per,
    count: Math.max(0, Math.min(per, job.count - w * per)),
  }));
  const results = await Promise.all(
    batches.map(
      (batch) =>
        new Promise<string[]>((resolve, reject) => {
          const worker = new Worker(bundleFile, { workerData: { role: SIGN_WORKER_ROLE, job: batch } });
          worker.once('message', (tokens: string[]) => resolve(tokens));
          worker.once('error', reject);
          worker.once('exit', (code) => {
            if (code !== 0) reject(new Error(`signing worker exited with ${code}`));
          });
        }),
    ),
  );
  return results.flat();
}
