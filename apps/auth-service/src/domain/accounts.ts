import { ConflictError } from '@jwt-msa/http-errors';
import { ADMIN_ROLE, USER_ROLE } from '@jwt-msa/claims';
import type { UserRecord, UserRepository } from '../data-access/user-repository';
import type { Credentials } from './credentials';
import { InvalidCredentialsError } from './auth-errors';
import type { PasswordHasher } from './password-hasher';

export interface PublicUser {
  id: string;
  username: string;
  roles: string[];
}

export class Accounts {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async register({ username, password }: Credentials): Promise<PublicUser> {
    const user = await this.users.insert(username, await this.hasher.hash(password), [USER_ROLE]);
    if (!user) throw new ConflictError(`The username "${username}" is taken`);
    return toPublic(user);
  }

  /** Unknown user and wrong password cost the same scrypt work and give the same error. */
  async authenticate({ username, password }: Credentials): Promise<UserRecord> {
    const user = await this.users.findByUsername(username);
    const valid = user
      ? await this.hasher.verify(password, user.passwordHash)
      : await this.hasher.verifyAgainstDummy(password);
    if (!user || !valid) throw new InvalidCredentialsError();
    return user;
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    return this.users.findByUsername(username);
  }

  async exists(userId: string): Promise<boolean> {
    return (await this.users.findById(userId)) !== undefined;
  }

  async ensureAdmin(username: string, password: string): Promise<void> {
    await this.users.upsertAdmin(username, await this.hasher.hash(password), [USER_ROLE, ADMIN_ROLE]);
  }
}

export function toPublic(user: UserRecord): PublicUser {
  return { id: user.id, username: user.username, roles: user.roles };
}
