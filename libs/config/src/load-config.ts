import { readFileSync } from 'node:fs';
import { InvalidValue } from './invalid-value';
import type { Setting } from './setting';

export type Schema = Record<string, Setting<unknown>>;
export type ConfigOf<S extends Schema> = { readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** Thrown when the environment does not satisfy a schema; the message names every bad variable. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** The variable that names a file holding a secret setting's value (compose and Kubernetes mount secrets as files). */
function fileVariable(setting: Setting<unknown>): string {
  return `${setting.env}_FILE`;
}

type RawValue = { value: string } | { unset: true } | { problem: string };

/**
 * The raw value of one setting: its variable (trimmed), or for a secret the content of the file
 * that `<env>_FILE` names, with one trailing newline removed (what `echo` or an editor adds); the
 * file's content is otherwise taken as it is, so a password may start or end with a space.
 */
function rawValue(setting: Setting<unknown>, env: NodeJS.ProcessEnv): RawValue {
  const direct = env[setting.env]?.trim();
  const path = setting.secret ? env[fileVariable(setting)]?.trim() : undefined;
  if (path) {
    if (direct) return { problem: `${setting.env} and ${fileVariable(setting)} are both set: give one` };
    let content: string;
    try {
      content = readFileSync(path, 'utf8');
    } catch (error) {
      return { problem: `${fileVariable(setting)} names a file that cannot be read (${describeReadError(error)})` };
    }
    const value = content.replace(/\r?\n$/, '');
    if (value === '') return { problem: `${fileVariable(setting)} names an empty file (${path})` };
    return { value };
  }
  return direct === undefined || direct === '' ? { unset: true } : { value: direct };
}

function describeReadError(error: unknown): string {
  const { code, path } = error as { code?: string; path?: string };
  return code ? `${code}: ${path}` : 'unreadable';
}

export function loadConfig<S extends Schema>(schema: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(schema)) {
    const raw = rawValue(setting, env);
    if ('problem' in raw) {
      problems.push(raw.problem);
      continue;
    }
    if ('unset' in raw) {
      if (setting.default === undefined) {
        const orFile = setting.secret ? `, or ${fileVariable(setting)} naming a file that holds it` : '';
        problems.push(`${setting.env} is required (${setting.description})${orFile}`);
      } else {
        config[key] = setting.default;
      }
      continue;
    }
    try {
      config[key] = setting.parse(raw.value);
    } catch (error) {
      problems.push(`${setting.env} ${describeParseError(setting, error)}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config) as ConfigOf<S>;
}

/** What is wrong with a value; for a secret, the rule only, never the value. */
function describeParseError(setting: Setting<unknown>, error: unknown): string {
  if (!setting.secret) return (error as Error).message;
  if (error instanceof InvalidValue) return `${error.rule} (the value is secret: not shown)`;
  return 'is not valid (the value is secret: not shown)';
}

/** A Markdown table of a schema: the README's configuration tables are made of these. */
export function describeSchema(schema: Schema): string {
  const rows = Object.values(schema).map((setting) => {
    const fallback =
      setting.defaultLabel ?? (setting.default === undefined ? '**required**' : formatDefault(setting.default));
    const cell = (text: string) => text.replace(/\|/g, '\\|');
    const variable = setting.secret ? `\`${setting.env}\` or \`${fileVariable(setting)}\`` : `\`${setting.env}\``;
    const meaning = setting.secret
      ? `${setting.description} Secret: never logged; \`${fileVariable(setting)}\` names a file holding it (one trailing newline dropped).`
      : setting.description;
    return `| ${variable} | ${cell(setting.type)} | ${cell(fallback)} | ${cell(meaning)} |`;
  });
  return ['| Variable | Type | Default | Meaning |', '|---|---|---|---|', ...rows].join('\n');
}

function formatDefault(value: unknown): string {
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return text === '' ? '(empty)' : `\`${text}\``;
}
