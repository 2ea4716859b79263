import type { SigningKey } from '@jwt-msa/token-issuer';

/** pending: published, not signing yet; active: signs (exactly one); retired: published, signs no more. */
export type KeyStatus = 'pending' | 'active' | 'retired';

export interface StoredKeyInfo {
  kid: string;
  status: KeyStatus;
  createdAt: Date;
  activatedAt: Date | null;
  retiredAt: Date | null;
}

export type ActivationOutcome =
  | { outcome: 'activated'; kid: string; retiredKid: string | undefined }
  | { outcome: 'no_pending_key' }
  | { outcome: 'too_early'; kid: string; secondsLeft: number };

/** Where rotation keeps the keys: the port the data-access layer's repository implements. */
export interface SigningKeyStore {
  addPending(key: SigningKey): Promise<{ added: true } | { added: false; pendingKid: string }>;
  activatePending(minPublishedSeconds: number): Promise<ActivationOutcome>;
  removeRetiredBefore(seconds: number): Promise<string[]>;
  list(): Promise<StoredKeyInfo[]>;
}
