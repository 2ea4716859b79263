import { InvalidValue } from './invalid-value';

/**
 * One setting of an app: the environment variable it is read from, how the raw string is parsed,
 * its default, and a description. Apps declare all their settings in one schema object; the same
 * schema validates the environment at start-up and generates the README's configuration table.
 */
export interface Setting<T> {
  readonly env: string;
  readonly type: string;
  readonly description: string;
  /** Used when the variable is unset or empty. Absent = required. */
  readonly default?: T;
  /** Shown in docs instead of the literal default (e.g. "generated"). */
  readonly defaultLabel?: string;
  /**
   * Marks values that must never be logged or repeated in an error. A secret can also be given as
   * the content of a file named by `<env>_FILE` (a mounted compose or Kubernetes secret).
   */
  readonly secret?: boolean;
  /** Converts the raw value; throws an Error (an InvalidValue for the built-in types) saying what is wrong. */
  parse(raw: string): T;
}

type Options<T> = {
  description: string;
  default?: T;
  defaultLabel?: string;
  secret?: boolean;
};

function define<T>(env: string, type: string, parse: (raw: string) => T, options: Options<T>): Setting<T> {
  return { env, type, parse, ...options };
}

export function string(env: string, options: Options<string> & { pattern?: RegExp }): Setting<string> {
  return define(
    env,
    'string',
    (raw) => {
      if (options.pattern && !options.pattern.test(raw)) {
        throw new InvalidValue(`must match ${options.pattern}`);
      }
      return raw;
    },
    options,
  );
}

export function integer(env: string, options: Options<number> & { min?: number; max?: number }): Setting<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
  return define(
    env,
    'integer',
    (raw) => {
      if (!/^-?\d+$/.test(raw)) throw new InvalidValue('must be an integer', raw);
      const value = Number(raw);
      if (value < min || value > max) throw new InvalidValue(`must be between ${min} and ${max}`, String(value));
      return value;
    },
    options,
  );
}

const BYTE_UNITS = { b: 1, kb: 1024, mb: 1024 * 1024 } as const;

/** A size such as `16kb` or `1mb` (units of 1024), read as a number of bytes. */
export function byteSize(env: string, options: Options<number>): Setting<number> {
  return define(
    env,
    'size (b, kb, mb)',
    (raw) => {
      const match = /^(\d+)(b|kb|mb)$/i.exec(raw);
      if (!match) throw new Error(`must be a size such as 512b, 16kb or 1mb, got "${raw}"`);
      const bytes = Number(match[1]) * BYTE_UNITS[match[2]!.toLowerCase() as keyof typeof BYTE_UNITS];
      if (bytes < 1 || !Number.isSafeInteger(bytes)) throw new Error(`must be at least 1 byte, got "${raw}"`);
      return bytes;
    },
    options,
  );
}

export function port(env: string, options: Options<number>): Setting<number> {
  const parse = integer(env, { ...options, min: 0, max: 65535 }).parse;
  return define(env, 'port', parse, options);
}

export function boolean(env: string, options: Options<boolean>): Setting<boolean> {
  return define(
    env,
    'boolean',
    (raw) => {
      const normalized = raw.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
      if (['false', '0', 'no', 'off'].includes(normalized)) return false;
      throw new InvalidValue('must be true or false', raw);
    },
    options,
  );
}

export function oneOf<const V extends string>(env: string, values: readonly V[], options: Options<V>): Setting<V> {
  return define(
    env,
    values.join(' | '),
    (raw) => {
      if (!(values as readonly string[]).includes(raw))
        throw new InvalidValue(`must be one of ${values.join(', ')}`, raw);
      return raw as V;
    },
    options,
  );
}

function parseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidValue('must be an absolute URL', raw);
  }
  if (!['http:', 'https:', 'postgres:', 'postgresql:'].includes(url.protocol)) {
    throw new InvalidValue('must be an http(s) or postgres URL', raw);
  }
  return raw.replace(/\/+$/, '');
}

export function url(env: string, options: Options<string>): Setting<string> {
  return define(env, 'url', parseUrl, options);
}

/** Comma-separated URLs: one per replica of an upstream. */
export function urlList(env: string, options: Options<string[]>): Setting<string[]> {
  return define(
    env,
    'url list',
    (raw) => {
      const urls = raw
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
      if (urls.length === 0) throw new InvalidValue('must list at least one URL');
      return urls.map(parseUrl);
    },
    options,
  );
}
