const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const WARN = 40;

/**
 * Turns a service's JSON log line into one short human line. Quiet mode shows only warnings,
 * errors and anything that is not JSON (a crash); verbose mode shows everything.
 */
export function formatLine(instance: string, line: string, verbose: boolean): string | undefined {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${instance.padEnd(10)} ${line}`;
  }
  const level = typeof entry['level'] === 'number' ? entry['level'] : 30;
  if (!verbose && level < WARN) return undefined;
  const {
    msg,
    time: _time,
    level: _level,
    service: _service,
    instance: _instance,
    pid: _pid,
    hostname: _hostname,
    ...rest
  } = entry;
  const details = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `${instance.padEnd(10)} ${(LEVELS[level] ?? String(level)).padEnd(5)} ${String(msg ?? '')}${details}`;
}
