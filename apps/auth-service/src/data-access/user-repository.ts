import type { Queryable } from '@jwt-msa/db';

export interface UserRecord {
  id: string;
  username: string;
  passwordHash: string;
  roles: string[];
}

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  roles: string[];
}

const toUser = (row: UserRow): UserRecord => ({
  id: row.id,
  username: row.username,
  passwordHash: row.password_hash,
  roles: row.roles,
});

export class UserRepository {
  constructor(private readonly db: Queryable) {}

  /** Returns undefined when the username is taken. */
  async insert(username: string, passwordHash: string, roles: string[]): Promise<UserRecord | undefined> {
    const rows = await this.db.query<UserRow>(
      'user.insert',
      `INSERT INTO users (username, password_hash, roles) VALUES ($1, $2, $3)
       ON CONFLICT (username) DO NOTHING RETURNING id, username, password_hash, roles`,
      [username, passwordHash, roles],
    );
    return rows[0] && toUser(rows[0]);
  }

  async upsertAdmin(username: string, passwordHash: string, roles: string[]): Promise<void> {
    await this.db.query(
      'user.upsert-admin',
      `INSERT INTO users (username, password_hash, roles) VALUES ($1, $2, $3)
       ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, roles = EXCLUDED.roles`,
      [username, passwordHash, roles],
    );
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const rows = await this.db.query<UserRow>(
      'user.find-by-username',
      'SELECT id, username, password_hash, roles FROM users WHERE username = $1',
      [username],
    );
    return rows[0] && toUser(rows[0]);
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    const rows = await this.db.query<UserRow>(
      'user.find-by-id',
      'SELECT id, username, password_hash, roles FROM users WHERE id = $1',
      [id],
    );
    return rows[0] && toUser(rows[0]);
  }
}
