import { ConfigError } from '@jwt-msa/config';
import { adminCredentials, loadAuthConfig } from './config';

describe('auth-service config', () => {
  it('requires DATABASE_URL and names it', () => {
    expect(() => loadAuthConfig({})).toThrow('DATABASE_URL is required');
  });

  it('has no default admin', () => {
    expect(adminCredentials(loadAuthConfig({ DATABASE_URL: 'postgres://h/db' }))).toBeUndefined();
  });

  it('rejects half or weak admin credentials', () => {
    const config = (env: Record<string, string>) => loadAuthConfig({ DATABASE_URL: 'postgres://h/db', ...env });
    expect(() => adminCredentials(config({ ADMIN_USERNAME: 'admin' }))).toThrow(ConfigError);
    expect(() => adminCredentials(config({ ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'short' }))).toThrow('at least 8');
    expect(adminCredentials(config({ ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'long enough' }))).toEqual({
      username: 'admin',
      password: 'long enough',
    });
  });
});
