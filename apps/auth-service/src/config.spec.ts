import { ConfigError } from '@jwt-msa/config';
import { authService } from './app';
import { adminCredentials } from './config';

describe('auth-service config', () => {
  it('requires DATABASE_URL and names it', () => {
    expect(() => authService.loadConfig({})).toThrow('DATABASE_URL is required');
  });

  it('has no default admin', () => {
    expect(adminCredentials(authService.loadConfig({ DATABASE_URL: 'postgres://h/db' }))).toBeUndefined();
  });

  it('rejects half or weak admin credentials', () => {
    const config = (env: Record<string, string>) => authService.loadConfig({ DATABASE_URL: 'postgres://h/db', ...env });
    expect(() => adminCredentials(config({ ADMIN_USERNAME: 'admin' }))).toThrow(ConfigError);
    expect(() => adminCredentials(config({ ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'short' }))).toThrow('at least 8');
    expect(adminCredentials(config({ ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'long enough' }))).toEqual({
      username: 'admin',
      password: 'long enough',
    });
  });
});
