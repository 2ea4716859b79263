import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
      'PORT must be between 0 and 65535, got "70000"',
      'DATABASE_URL is required (PostgreSQL URL)',
      'UPSTREAMS must be an http(s) or postgres URL, got "ftp://x"',
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

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('secret settings', () => {
  const secrets = {
    databaseUrl: setting.url('DATABASE_URL', { description: 'PostgreSQL URL', secret: true }),
    password: setting.string('ADMIN_PASSWORD', {
      default: '',
      pattern: /.{8}/,
      description: 'Admin password.',
      secret: true,
    }),
    port: setting.port('PORT', { default: 3000, description: 'HTTP port' }),
  };
  let dir: string;
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o400 });
    return path;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'config-secrets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads <VARIABLE>_FILE: the content less one trailing newline, spaces kept', () => {
    const config = loadConfig(secrets, {
      DATABASE_URL_FILE: file('url', 'postgres://auth:s3cret@db:5432/auth\n'),
      ADMIN_PASSWORD_FILE: file('password', ' two words \n\n'),
    });
    expect(config).toEqual({
      databaseUrl: 'postgres://auth:s3cret@db:5432/auth',
      password: ' two words \n',
      port: 3000,
    });
  });

  it('takes the variable itself as before', () => {
    expect(loadConfig(secrets, { DATABASE_URL: 'postgres://db/auth', ADMIN_PASSWORD: 'long enough' }).password).toBe(
      'long enough',
    );
  });

  it('refuses both forms at once, an unreadable file and an empty one, naming the variable', () => {
    const unreadable = join(dir, 'missing');
    expect(
      problemsOf(() =>
        loadConfig(secrets, {
          DATABASE_URL: 'postgres://db/auth',
          DATABASE_URL_FILE: file('url', 'postgres://db/auth'),
          ADMIN_PASSWORD_FILE: unreadable,
        }),
      ),
    ).toEqual([
      'DATABASE_URL and DATABASE_URL_FILE are both set: give one',
      `ADMIN_PASSWORD_FILE names a file that cannot be read (ENOENT: ${unreadable})`,
    ]);
    expect(problemsOf(() => loadConfig(secrets, { DATABASE_URL_FILE: file('empty', '\n') }))).toEqual([
      `DATABASE_URL_FILE names an empty file (${join(dir, 'empty')})`,
    ]);
  });

  it('says a required secret may come from a file', () => {
    expect(problemsOf(() => loadConfig(secrets, {}))).toEqual([
      'DATABASE_URL is required (PostgreSQL URL), or DATABASE_URL_FILE naming a file that holds it',
    ]);
  });

  it("never repeats a secret's value in an error, from the variable or the file", () => {
    const fromVariable = problemsOf(() =>
      loadConfig(secrets, { DATABASE_URL: 'hunter2-url', ADMIN_PASSWORD: 'hunter2' }),
    );
    const fromFile = problemsOf(() =>
      loadConfig(secrets, {
        DATABASE_URL_FILE: file('url', 'ftp://hunter2@x'),
        ADMIN_PASSWORD_FILE: file('p', 'hunter2'),
      }),
    );
    expect(fromVariable).toEqual([
      'DATABASE_URL must be an absolute URL (the value is secret: not shown)',
      'ADMIN_PASSWORD must match /.{8}/ (the value is secret: not shown)',
    ]);
    expect(fromFile).toEqual([
      'DATABASE_URL must be an http(s) or postgres URL (the value is secret: not shown)',
      'ADMIN_PASSWORD must match /.{8}/ (the value is secret: not shown)',
    ]);
    expect(problemsOf(() => loadConfig(secrets, { DATABASE_URL: 'postgres://db/a', PORT: 'x' }))).toEqual([
      'PORT must be an integer, got "x"', // not secret: the value helps
    ]);
  });

  it('reads no _FILE variant for a setting that is not secret', () => {
    expect(loadConfig(secrets, { DATABASE_URL: 'postgres://db/a', PORT_FILE: file('port', '1') }).port).toBe(3000);
  });

  it('documents both variables of a secret', () => {
    expect(describeSchema(secrets)).toContain(
      '| `ADMIN_PASSWORD` or `ADMIN_PASSWORD_FILE` | string | (empty) | Admin password. Secret: never logged; `ADMIN_PASSWORD_FILE` names a file holding it (one trailing newline dropped). |',
    );
  });

  it('reads a file only its owner may read (0400, as the compose and Kubernetes secrets are mounted)', () => {
    const path = file('password', 'owner-only-password');
    chmodSync(path, 0o400);
    expect(loadConfig(secrets, { DATABASE_URL: 'postgres://db/a', ADMIN_PASSWORD_FILE: path }).password).toBe(
      'owner-only-password',
    );
  });
});
