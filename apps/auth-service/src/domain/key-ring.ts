import type { PublicJwk, SigningKey } from '@jwt-msa/token-issuer';

/** Where the issuer's signing keys come from: the database (generated once) or a mounted secret. */
export interface KeySource {
  readonly description: string;
  /** Live keys, the signing key first. */
  load(): Promise<{ keys: SigningKey[]; created: boolean }>;
}

/**
 * The issuer's keys, shared by every auth replica: the first key signs; every live key is
 * published, so verifiers already know a key before it signs anything.
 */
export class KeyRing {
  private keys: SigningKey[] = [];

  constructor(private readonly source: KeySource) {}

  async load(): Promise<{ created: boolean }> {
    const { keys, created } = await this.source.load();
    if (keys.length === 0) throw new Error(`no signing key available from ${this.source.description}`);
    this.keys = keys;
    return { created };
  }

  get isLoaded(): boolean {
    return this.keys.length > 0;
  }

  get description(): string {
    return this.source.description;
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
