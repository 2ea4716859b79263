import { readFile } from 'node:fs/promises';
import { generateSigningKey, signingKeyFromPem } from '@jwt-msa/token-issuer';
import type { KeySource } from '../domain/key-ring';
import type { SigningKeyRepository } from './signing-key-repository';

/**
 * Keys in the auth database: the first replica to start generates one; every replica loads the
 * same ones. `npm run keys:rotate` adds, activates and removes keys there (docs/security.md).
 */
export function databaseKeySource(repository: SigningKeyRepository, keyBits: number): KeySource {
  return {
    description: 'the auth database',
    async load() {
      const created = await repository.createFirstKeyIfNone(() => generateSigningKey(keyBits));
      const keys = await repository.loadPublished();
      if (!keys) throw new Error('the auth database holds no active signing key');
      return { keys, created };
    },
  };
}

const PEM_BLOCK = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/g;

/**
 * Keys from a mounted secret (compose secret, Kubernetes Secret): one or more PKCS#8 PEM RSA keys
 * in one file. The first signs; all are published. The file is re-read periodically, so rotating
 * needs no restart: add the new key second, then move it first once verifiers have had time to
 * fetch the JWKS, then drop the old one after the access-token lifetime.
 */
export function fileKeySource(path: string): KeySource {
  return {
    description: path,
    async load() {
      const blocks = (await readFile(path, 'utf8')).match(PEM_BLOCK) ?? [];
      if (blocks.length === 0) throw new Error(`${path} holds no "BEGIN PRIVATE KEY" (PKCS#8) block`);
      const keys = blocks.map((pem) => signingKeyFromPem(pem));
      return { keys: { signing: keys[0]!, published: keys.map((key) => key.publicJwk) }, created: false };
    },
  };
}
