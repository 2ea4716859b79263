import { tokenContractSettings } from '@jwt-msa/claims';
import { loadConfig, setting, type ConfigOf } from '@jwt-msa/config';
import { edgeSettings } from '@jwt-msa/edge';
import { revocationFollowerSettings } from '@jwt-msa/revocation';
import { serviceSettings } from '@jwt-msa/service-defaults';
import { verifierSettings } from '@jwt-msa/token-verifier';

export const gatewayConfigSchema = {
  ...serviceSettings,
  port: setting.port('PORT', { default: 8080, description: 'HTTP port of the gateway (the only public entry point).' }),
  ...edgeSettings,
  ...tokenContractSettings,
  ...verifierSettings,
  ...revocationFollowerSettings,
};

export type GatewayConfig = ConfigOf<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, env);
}
