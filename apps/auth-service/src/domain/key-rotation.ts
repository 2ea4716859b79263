import { generateSigningKey, type SigningKey } from '@jwt-msa/token-issuer';
import type { ActivationOutcome, SigningKeyStore, StoredKeyInfo } from './signing-keys';

export interface RotationPolicy {
  keyBits: number;
  /** A pending key signs only after being published this long (verifiers' JWKS caches). */
  activationDelaySeconds: number;
  /** A retired key leaves the JWKS only once it stopped signing this long ago (token lifetime + grace). */
  retireAfterSeconds: number;
}

/**
 * Key rotation in three phases, each safe on its own and run by `npm run keys:rotate`:
 * add (a new key is published but does not sign), activate (it signs; the old one is retired but
 * stays published, so its tokens stay valid), retire (retired keys whose last tokens have expired
 * leave the JWKS). Every auth replica picks each change up on its next key reload.
 */
export class KeyRotation {
  constructor(
    private readonly keys: SigningKeyStore,
    private readonly policy: RotationPolicy,
    private readonly generate: (bits: number) => Promise<SigningKey> = generateSigningKey,
  ) {}

  async add(): Promise<{ added: true; kid: string } | { added: false; pendingKid: string }> {
    const key = await this.generate(this.policy.keyBits);
    const result = await this.keys.addPending(key);
    return result.added ? { added: true, kid: key.kid } : result;
  }

  activate(options: { force?: boolean } = {}): Promise<ActivationOutcome> {
    return this.keys.activatePending(options.force ? 0 : this.policy.activationDelaySeconds);
  }

  retire(): Promise<string[]> {
    return this.keys.removeRetiredBefore(this.policy.retireAfterSeconds);
  }

  status(): Promise<StoredKeyInfo[]> {
    return this.keys.list();
  }
}
