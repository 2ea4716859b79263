import { generateSigningKey, type PublicJwk, type SigningKey } from '@jwt-msa/token-issuer';
import type { SigningKeyRepository } from '../data-access/signing-key-repository';

/**
 * The issuer's keys, shared by every auth replica through the database: created once on first
 * start, loaded by all. The newest live key signs; every live key is published.
 */
export class KeyRing {
  private keys: SigningKey[] = [];

  constructor(private readonly repository: SigningKeyRepository, private readonly keyBits: number) {}

  async load(): Promise<{ created: boolean }> {
    const created = await this.repository.createFirstKeyIfNone(() => generateSigningKey(this.keyBits));
    this.keys = await this.repository.loadLive();
    if (this.keys.length === 0) throw new Error('no signing key available');
    return { created };
  }

  get isLoaded(): boolean {
    return this.keys.length > 0;
  }

  signingKey(): SigningKey {
    const key = this.keys[0];
    if (!key) throw new Error('signing keys are not loaded');
    return key;
  }

  publicJwks(): { keys: PublicJwk[] } {
    return { keys: this.keys.map((key) => key.publicJwk) };
  }
}
