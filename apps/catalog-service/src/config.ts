import { loadConfig, type ConfigOf } from '@jwt-msa/config';
import { databaseSettings } from '@jwt-msa/db';
import { serviceSettings } from '@jwt-msa/service-defaults';
import { forwardedTokenSettings } from '@jwt-msa/token-verifier';

export const catalogConfigSchema = {
  ...serviceSettings,
  ...databaseSettings,
  ...forwardedTokenSettings,
};

export type CatalogConfig = ConfigOf<typeof catalogConfigSchema>;

export function loadCatalogConfig(env: NodeJS.ProcessEnv = process.env): CatalogConfig {
  return loadConfig(catalogConfigSchema, env);
}
