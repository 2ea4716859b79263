import { ConfigError } from '@jwt-msa/config';

/**
 * Wraps a service's main(): a bad configuration stops the process with one clear line naming the
 * variables; any other start-up failure is reported without a stack trace dump to the user.
 */
export function startService(service: string, main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${service}: ${error.message}\n`);
    } else {
      process.stderr.write(`${service}: failed to start: ${(error as Error)?.message ?? String(error)}\n`);
    }
    process.exit(1);
  });
}
