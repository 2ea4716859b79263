import { setting } from '@jwt-msa/config';

export const launcherConfigSchema = {
  gatewayPort: setting.port('GATEWAY_PORT', {
    default: 8080,
    description: '`npm start`: port of the gateway (`0` = any free port). Every other port is chosen free.',
  }),
  gatewayAdminPort: setting.port('GATEWAY_ADMIN_PORT', {
    default: 9464,
    description: "`npm start`: port of the gateway's internal metrics listener (loopback only).",
  }),
  dataDir: setting.string('LOCAL_CLUSTER_DATA_DIR', {
    default: '.data',
    description: '`npm start`: where PostgreSQL data, logs and the generated admin password live (git-ignored).',
  }),
  logLevel: setting.string('LOG_LEVEL', { default: 'info', description: 'Log level passed to every service.' }),
};
