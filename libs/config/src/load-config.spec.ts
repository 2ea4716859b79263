import { ConfigError, describeSchema, loadConfig, setting } from './index';

const schema = {
  port: setting.port('PORT', { default: 3000, description: 'HTTP port' }),
  databaseUrl: setting.url('DATABASE_URL', { description: 'PostgreSQL URL' }),
  upstreams: setting.urlList('UPSTREAMS', { default: ['http://127.0.0.1:1'], description: 'replicas' }),
  verbose: setting.boolean('VERBOSE', { default: false, description: 'chatty' }),
  level: setting.oneOf('LEVEL', ['info', 'debug'] as const, { default: 'info', description: 'log level' }),
};

describe('loadConfig', () => {
  it('applies defaults and parses typed values', () => {
    const config = loadConfig(schema, {
      DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
      UPSTREAMS: 'http://a:1/, http://b:2',
      VERBOSE: 'yes',
    });
    expect(config).toEqual({
      port: 3000,
      databaseUrl: 'postgres://u:p@127.0.0.1:5432/db',
      upstreams: ['http://a:1', 'http://b:2'],
      verbose: true,
      level: 'info',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every missing or invalid variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(schema, { PORT: '70000', VERBOSE: 'maybe', LEVEL: 'trace', UPSTREAMS: 'ftp://x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      'PORT must be between 0 and 65535, got 70000',
      'DATABASE_URL is required (PostgreSQL URL)',
      'UPSTREAMS must be an http(s) or postgres URL, got protocol "ftp:"',
      'VERBOSE must be true or false, got "maybe"',
      'LEVEL must be one of info, debug, got "trace"',
    ]);
  });

  it('reads sizes in bytes (units of 1024) and refuses anything else', () => {
    const sizes = { limit: setting.byteSize('LIMIT', { default: 16 * 1024, description: 'size' }) };
    expect(['512b', '16kb', '1MB'].map((LIMIT) => loadConfig(sizes, { LIMIT }).limit)).toEqual([512, 16384, 1048576]);
    expect(loadConfig(sizes, {}).limit).toBe(16384);
    for (const LIMIT of ['16', '1.5kb', '0b', '-1kb', '1gb']) {
      expect(() => loadConfig(sizes, { LIMIT })).toThrow(ConfigError);
    }
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(schema, { DATABASE_URL: 'postgres://h/db', PORT: '' }).port).toBe(3000);
  });

  it('describes a schema as a Markdown table', () => {
    const table = describeSchema(schema);
    expect(table).toContain('| `PORT` | port | `3000` | HTTP port |');
    expect(table).toContain('| `DATABASE_URL` | url | **required** | PostgreSQL URL |');
  });
});
