import type { Principal } from '@jwt-msa/claims';
import type { ProfileRepository } from '../data-access/profile-repository';

/** Who the caller is (from the token's claims) plus what this service stores about them. */
export interface Profile {
  sub: string;
  username: string;
  roles: string[];
  displayName: string | null;
}

export class Profiles {
  constructor(private readonly repository: ProfileRepository) {}

  async get(caller: Principal): Promise<Profile> {
    return toProfile(caller, (await this.repository.findDisplayName(caller.userId)) ?? null);
  }

  async setDisplayName(caller: Principal, displayName: string): Promise<Profile> {
    return toProfile(caller, await this.repository.upsertDisplayName(caller.userId, displayName));
  }
}

function toProfile(caller: Principal, displayName: string | null): Profile {
  return { sub: caller.userId, username: caller.username, roles: [...caller.roles], displayName };
}
