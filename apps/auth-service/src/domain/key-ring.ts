import type { PublicJwk, SigningKey } from '@jwt-msa/token-issuer';

/** The key that signs, and every public key verifiers must know (the signing one included). */
export interface KeySet {
  signing: SigningKey;
  published: PublicJwk[];
}

/** Where the issuer's signing keys come from: the database (generated once) or a mounted secret. */
export interface KeySource {
  readonly description: string;
  load(): Promise<{ keys: KeySet; created: boolean }>;
}

export interface ReloadOptions {
  intervalMs: number;
  /** A failed reload keeps the keys already loaded. */
  onError: (error: Error) => void;
  onChange: (change: { signingKid: string; publishedKids: string[] }) => void;
}

/**
 * The issuer's keys, shared by every auth replica. Each replica reloads them periodically, so a
 * rotation (a key added, activated or removed by `keys:rotate`) reaches every replica without a
 * restart. A key is published before it signs anything, so verifiers already know it.
 */
export class KeyRing {
  private keys: KeySet | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly source: KeySource) {}

  async load(): Promise<{ created: boolean }> {
    const { keys, created } = await this.source.load();
    this.keys = keys;
    return { created };
  }

  /** Reloads every intervalMs until stopReloading(); the timer never keeps the process alive. */
  startReloading({ intervalMs, onError, onChange }: ReloadOptions): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      const before = this.fingerprint();
      this.load().then(
        () => {
          if (this.fingerprint() !== before)
            onChange({
              signingKid: this.signingKey().kid,
              publishedKids: this.publicJwks().keys.map((key) => key.kid),
            });
        },
        (error: unknown) => onError(error instanceof Error ? error : new Error(String(error))),
      );
    }, intervalMs).unref();
  }

  stopReloading(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  get isLoaded(): boolean {
    return this.keys !== undefined;
  }

  get description(): string {
    return this.source.description;
  }

  signingKey(): SigningKey {
    if (!this.keys) throw new Error('signing keys are not loaded');
    return this.keys.signing;
  }

  publicJwks(): { keys: PublicJwk[] } {
    return { keys: [...(this.keys?.published ?? [])] };
  }

  private fingerprint(): string {
    return this.keys ? [this.keys.signing.kid, ...this.keys.published.map((key) => key.kid)].join(' ') : '';
  }
}
