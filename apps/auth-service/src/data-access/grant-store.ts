import type { Database, Queryable } from '@jwt-msa/db';
import { RefreshTokenRepository } from './refresh-token-repository';
import { UserRepository } from './user-repository';

/** The repositories of one transaction, and the transaction itself for the writes that join it (revocations). */
export interface GrantTransaction {
  refreshTokens: RefreshTokenRepository;
  users: UserRepository;
  queryable: Queryable;
}

/** The token grants' unit of work: what they read and write, together or not at all. */
export class GrantStore {
  constructor(private readonly db: Database) {}

  transaction<T>(work: (tx: GrantTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((queryable) =>
      work({ refreshTokens: new RefreshTokenRepository(queryable), users: new UserRepository(queryable), queryable }),
    );
  }

  /** Reads outside a transaction. */
  get refreshTokens(): RefreshTokenRepository {
    return new RefreshTokenRepository(this.db);
  }
}
