import { loadConfig, type ConfigOf } from '@jwt-msa/config';
import { databaseSettings } from '@jwt-msa/db';
import { serviceSettings } from '@jwt-msa/service-defaults';
import { forwardedTokenSettings } from '@jwt-msa/token-verifier';

export const profileConfigSchema = {
  ...serviceSettings,
  ...databaseSettings,
  ...forwardedTokenSettings,
};

export type ProfileConfig = ConfigOf<typeof profileConfigSchema>;

export function loadProfileConfig(env: NodeJS.ProcessEnv = process.env): ProfileConfig {
  return loadConfig(profileConfigSchema, env);
}
