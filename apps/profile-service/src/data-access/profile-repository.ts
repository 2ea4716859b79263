import type { Queryable } from '@jwt-msa/db';

export class ProfileRepository {
  constructor(private readonly db: Queryable) {}

  async findDisplayName(userId: string): Promise<string | undefined> {
    const rows = await this.db.query<{ display_name: string }>(
      'profile.find',
      'SELECT display_name FROM profiles WHERE user_id = $1',
      [userId],
    );
    return rows[0]?.display_name;
  }

  /** One statement, so concurrent first writes of the same user cannot collide. */
  async upsertDisplayName(userId: string, displayName: string): Promise<string> {
    const rows = await this.db.query<{ display_name: string }>(
      'profile.upsert',
      `INSERT INTO profiles (user_id, display_name) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name, updated_at = now()
       RETURNING display_name`,
      [userId, displayName],
    );
    return rows[0]!.display_name;
  }
}
