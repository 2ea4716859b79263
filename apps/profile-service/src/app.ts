import { dataService } from '@jwt-msa/service-defaults';
import { forwardedTokenIdentity } from '@jwt-msa/token-verifier';
import { profileMigrations } from './data-access/migrations';
import { ProfileRepository } from './data-access/profile-repository';
import { Profiles } from './domain/profiles';
import { profileRoutes } from './routes/profile-routes';

/** The caller's claims plus what this service stores about them. */
export const profileService = dataService({
  name: 'profile-service',
  migrations: profileMigrations,
  identity: forwardedTokenIdentity,
  wire: ({ db }) => ({ routes: profileRoutes(new Profiles(new ProfileRepository(db))) }),
});
