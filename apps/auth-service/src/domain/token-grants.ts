import { createHash, randomBytes } from 'node:crypto';
import type { AccessTokenSigner } from '@jwt-msa/token-issuer';
import type { GrantStore, GrantTransaction } from '../data-access/grant-store';
import type { FamilyRecord, RevokedReason } from '../data-access/refresh-token-repository';
import type { UserRecord } from '../data-access/user-repository';
import { InvalidRefreshTokenError } from './auth-errors';
import type { KeyRing } from './key-ring';
import type { PresentedToken, Revocations } from './revocations';

export interface TokenPair {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
}

/** One login as `GET /auth/sessions` shows it. */
export interface Session {
  id: string;
  createdAt: string;
  lastRotatedAt: string | null;
  revokedAt: string | null;
  revokedReason: RevokedReason | null;
  /** The login the caller's access token was issued from. */
  current: boolean;
}

const SESSIONS_LISTED = 100;

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface TokenGrantsOptions {
  refreshTtlSeconds: number;
  revocations: Revocations;
  /** Called after a revocation committed (the feed wakes its followers). */
  onRevoked: () => void;
}

/**
 * Issues access tokens (stateless: nothing stored but the instant the family last issued one),
 * rotates refresh tokens (each is single-use; presenting a used one revokes its whole family) and
 * revokes: every revocation is written to the feed in the transaction that ends the families.
 */
export class TokenGrants {
  constructor(
    private readonly store: GrantStore,
    private readonly signer: AccessTokenSigner,
    private readonly keys: KeyRing,
    private readonly options: TokenGrantsOptions,
  ) {}

  async login(user: UserRecord): Promise<TokenPair> {
    return this.store.transaction(async (tx) => {
      const familyId = await tx.refreshTokens.createFamily(user.id);
      return this.issuePair(tx, user, familyId, false);
    });
  }

  /**
   * Strict rotation, as node-oidc-provider does it: the token row is locked, so of N concurrent
   * refreshes of one token exactly one succeeds; each of the others presents a used token, which
   * revokes the family (reason `reuse`) and with it, by `sid`, every access token it issued, the
   * winner's new one included. A client must therefore refresh once, not once per tab.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const hash = hashToken(refreshToken);
    const outcome = await this.store.transaction(async (tx) => {
      const tokens = tx.refreshTokens;
      const stored = await tokens.findForUpdate(hash);
      if (!stored || stored.familyRevokedAt) return { ok: false as const, revoked: false };
      if (stored.usedAt) {
        // A rotated token came back: whoever holds the family may be a thief. End it for everyone.
        const family = await tokens.revokeFamily(stored.familyId, 'reuse');
        if (family) await this.options.revocations.sessionEnded(tx.queryable, family);
        return { ok: false as const, revoked: family !== undefined };
      }
      if (stored.expiresAt.getTime() <= Date.now()) return { ok: false as const, revoked: false };
      const user = await tx.users.findById(stored.userId);
      if (!user) return { ok: false as const, revoked: false };
      await tokens.markUsed(hash);
      return { ok: true as const, pair: await this.issuePair(tx, user, stored.familyId, true) };
    });
    if (!outcome.ok) {
      if (outcome.revoked) this.options.onRevoked();
      throw new InvalidRefreshTokenError();
    }
    return outcome.pair;
  }

  /**
   * Ends the refresh token's family and, by `sid`, its access tokens; an access token of another
   * family (or without `sid`) sent along is revoked by its `jti`. Unknown refresh tokens are
   * ignored: logout is idempotent.
   */
  async logout(refreshToken: string, presented: PresentedToken | undefined): Promise<void> {
    await this.store.transaction(async (tx) => {
      const familyId = await tx.refreshTokens.findFamilyOf(hashToken(refreshToken));
      const family = familyId ? await tx.refreshTokens.revokeFamily(familyId, 'logout') : undefined;
      if (family) await this.options.revocations.sessionEnded(tx.queryable, family);
      if (presented && presented.sid !== familyId) await this.options.revocations.tokenRevoked(tx.queryable, presented);
    });
    this.options.onRevoked();
  }

  /** Every login of the user ends, and every access token issued to them before now (logout-all, admin). */
  async revokeUser(userId: string, reason: 'logout-all' | 'admin'): Promise<void> {
    await this.store.transaction(async (tx) => {
      const cutoffMs = Date.now();
      // Only families that issued within the cutoff's own second need an entry of their own.
      const cutoffSecond = new Date(Math.floor(cutoffMs / 1000) * 1000);
      const families = await tx.refreshTokens.revokeAllOf(userId, reason, cutoffSecond);
      await this.options.revocations.subjectRevoked(tx.queryable, userId, cutoffMs, families);
    });
    this.options.onRevoked();
  }

  async sessionsOf(userId: string, currentSessionId: string | undefined): Promise<Session[]> {
    const families = await this.store.refreshTokens.familiesOf(userId, SESSIONS_LISTED);
    return families.map((family: FamilyRecord) => ({
      id: family.id,
      createdAt: family.createdAt.toISOString(),
      lastRotatedAt: family.lastRotatedAt?.toISOString() ?? null,
      revokedAt: family.revokedAt?.toISOString() ?? null,
      revokedReason: family.revokedReason,
      current: family.id === currentSessionId,
    }));
  }

  private async issuePair(
    tx: GrantTransaction,
    user: UserRecord,
    familyId: string,
    rotated: boolean,
  ): Promise<TokenPair> {
    const tokens = tx.refreshTokens;
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshTtlSeconds = this.options.refreshTtlSeconds;
    await tokens.insert(hashToken(refreshToken), familyId, new Date(Date.now() + refreshTtlSeconds * 1000));
    const access = this.signer.sign(this.keys.signingKey(), {
      sub: user.id,
      username: user.username,
      roles: user.roles,
      sid: familyId,
    });
    await tokens.recordIssue(familyId, new Date(access.issuedAtMs), rotated);
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      refresh_token: refreshToken,
      refresh_expires_in: refreshTtlSeconds,
    };
  }
}
