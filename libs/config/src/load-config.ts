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

export function loadConfig<S extends Schema>(schema: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(schema)) {
    const raw = env[setting.env]?.trim();
    if (raw === undefined || raw === '') {
      if (setting.default === undefined) {
        problems.push(`${setting.env} is required (${setting.description})`);
      } else {
        config[key] = setting.default;
      }
      continue;
    }
    try {
      config[key] = setting.parse(raw);
    } catch (error) {
      problems.push(`${setting.env} ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config) as ConfigOf<S>;
}

/** A Markdown table of a schema: the README's configuration tables are made of these. */
export function describeSchema(schema: Schema): string {
  const rows = Object.values(schema).map((setting) => {
    const fallback =
      setting.defaultLabel ?? (setting.default === undefined ? '**required**' : formatDefault(setting.default));
    const cell = (text: string) => text.replace(/\|/g, '\\|');
    return `| \`${setting.env}\` | ${cell(setting.type)} | ${cell(fallback)} | ${cell(setting.description)} |`;
  });
  return ['| Variable | Type | Default | Meaning |', '|---|---|---|---|', ...rows].join('\n');
}

function formatDefault(value: unknown): string {
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return text === '' ? '(empty)' : `\`${text}\``;
}
