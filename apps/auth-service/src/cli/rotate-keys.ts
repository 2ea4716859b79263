import { ConfigError } from '@jwt-msa/config';
import { databaseFromConfig, runMigrations } from '@jwt-msa/db';
import { loadAuthConfig } from '../config';
import { authMigrations } from '../data-access/migrations';
import { rotateKeysCommand } from '../domain/rotate-keys-command';

/** `npm run keys:rotate -- <add|activate|retire|status>`: see docs/security.md. */
async function main(): Promise<number> {
  const config = loadAuthConfig();
  const db = databaseFromConfig(config, 'auth-service/keys-rotate');
  try {
    await runMigrations(db, authMigrations);
    return await rotateKeysCommand(process.argv.slice(2), {
      config,
      db,
      print: (line) => process.stdout.write(`${line}\n`),
    });
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `keys:rotate: ${error instanceof ConfigError ? error.message : ((error as Error)?.message ?? String(error))}\n`,
    );
    process.exit(2);
  },
);
