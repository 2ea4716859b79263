import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '@jwt-msa/db';
import type { AccessTokenSigner } from '@jwt-msa/token-issuer';
import { RefreshTokenRepository } from '../data-access/refresh-token-repository';
import { UserRepository, type UserRecord } from '../data-access/user-repository';
import { InvalidRefreshTokenError } from './auth-errors';
import type { KeyRing } from './key-ring';

export interface TokenPair {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Issues access tokens (stateless: nothing stored) and rotates refresh tokens (the only state:
 * each is single-use; presenting a used one revokes its whole family).
 */
export class TokenGrants {
  constructor(
    private readonly db: Database,
    private readonly signer: AccessTokenSigner,
    private readonly keys: KeyRing,
    private readonly refreshTtlSeconds: number,
  ) {}

  async login(user: UserRecord): Promise<TokenPair> {
    return this.db.transaction(async (tx) => {
      const familyId = await new RefreshTokenRepository(tx).createFamily(user.id);
      return this.issuePair(new RefreshTokenRepository(tx), user, familyId);
    });
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const hash = hashToken(refreshToken);
    const outcome = await this.db.transaction(async (tx) => {
      const tokens = new RefreshTokenRepository(tx);
      const stored = await tokens.findForUpdate(hash);
      if (!stored || stored.familyRevokedAt) return { ok: false as const };
      if (stored.usedAt) {
        // A rotated token came back: whoever holds the family may be a thief. End it for everyone.
        await tokens.revokeFamily(stored.familyId, 'reuse');
        return { ok: false as const };
      }
      if (stored.expiresAt.getTime() <= Date.now()) return { ok: false as const };
      const user = await new UserRepository(tx).findById(stored.userId);
      if (!user) return { ok: false as const };
      await tokens.markUsed(hash);
      return { ok: true as const, pair: await this.issuePair(tokens, user, stored.familyId) };
    });
    if (!outcome.ok) throw new InvalidRefreshTokenError();
    return outcome.pair;
  }

  /** Revokes the family of the token; unknown tokens are ignored (logout is idempotent). */
  async logout(refreshToken: string): Promise<void> {
    const tokens = new RefreshTokenRepository(this.db);
    const familyId = await tokens.findFamilyOf(hashToken(refreshToken));
    if (familyId) await tokens.revokeFamily(familyId, 'logout');
  }

  private async issuePair(tokens: RefreshTokenRepository, user: UserRecord, familyId: string): Promise<TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    await tokens.insert(hashToken(refreshToken), familyId, new Date(Date.now() + this.refreshTtlSeconds * 1000));
    const access = this.signer.sign(this.keys.signingKey(), {
      sub: user.id,
      username: user.username,
      roles: user.roles,
    });
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      refresh_token: refreshToken,
      refresh_expires_in: this.refreshTtlSeconds,
    };
  }
}
