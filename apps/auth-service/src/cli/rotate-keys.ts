import { ConfigError } from '@jwt-msa/config';
import { databaseFromConfig, runMigrations, type Database } from '@jwt-msa/db';
import { authService } from '../app';
import type { AuthConfig } from '../config';
import { authMigrations } from '../data-access/migrations';
import { SigningKeyRepository } from '../data-access/signing-key-repository';
import { KeyRotation } from '../domain/key-rotation';

export const ROTATE_KEYS_USAGE = `usage: npm run keys:rotate -- <command>

  status            list the signing keys: pending, active, retired
  add               add a key that is published in the JWKS but does not sign yet
  activate [--force] let the pending key sign; the active key is retired (still published).
                    Refused until the pending key has been published for
                    SIGNING_KEY_ACTIVATION_DELAY_SECONDS (--force skips the wait)
  retire            remove retired keys that stopped signing more than
                    ACCESS_TOKEN_TTL_SECONDS + SIGNING_KEY_RETIRE_GRACE_SECONDS ago

Run it with the auth service's environment (DATABASE_URL, ACCESS_TOKEN_TTL_SECONDS, ...).`;

/** 0 = done, 1 = refused (try again later), 2 = bad usage or configuration. */
export type ExitCode = 0 | 1 | 2;

/** The `keys:rotate` command, apart from process concerns, so tests can run it in-process. */
export async function rotateKeysCommand(
  args: string[],
  { config, db, print }: { config: AuthConfig; db: Database; print: (line: string) => void },
): Promise<ExitCode> {
  if (config.signingKeyFile) {
    print(
      `The signing keys come from SIGNING_KEY_FILE (${config.signingKeyFile}): rotate by editing that file (docs/security.md).`,
    );
    return 2;
  }
  const rotation = new KeyRotation(new SigningKeyRepository(db), {
    keyBits: config.signingKeyBits,
    activationDelaySeconds: config.signingKeyActivationDelaySeconds,
    retireAfterSeconds: config.accessTokenTtlSeconds + config.signingKeyRetireGraceSeconds,
  });
  const [command, ...options] = args;
  const unknownOption = options.find((option) => !(command === 'activate' && option === '--force'));
  if (unknownOption !== undefined) {
    print(`unknown option "${unknownOption}"\n${ROTATE_KEYS_USAGE}`);
    return 2;
  }

  switch (command) {
    case 'status': {
      for (const key of await rotation.status()) {
        const since =
          key.status === 'retired' ? key.retiredAt : key.status === 'active' ? key.activatedAt : key.createdAt;
        print(`${key.status.padEnd(8)} ${key.kid}  since ${since?.toISOString() ?? '?'}`);
      }
      return 0;
    }
    case 'add': {
      const result = await rotation.add();
      if (!result.added) {
        print(`A pending key exists already (${result.pendingKid}): activate it first.`);
        return 1;
      }
      const readyAt = new Date(Date.now() + config.signingKeyActivationDelaySeconds * 1000);
      print(`Added pending key ${result.kid}: every replica publishes it within ${config.signingKeyReloadMs} ms.`);
      print(
        `Activate it from ${readyAt.toISOString()} on (SIGNING_KEY_ACTIVATION_DELAY_SECONDS=${config.signingKeyActivationDelaySeconds}).`,
      );
      return 0;
    }
    case 'activate': {
      const result = await rotation.activate({ force: options.includes('--force') });
      if (result.outcome === 'no_pending_key') {
        print('There is no pending key: run "add" first.');
        return 1;
      }
      if (result.outcome === 'too_early') {
        print(
          `Key ${result.kid} has not been published long enough: try again in ${result.secondsLeft} s (or --force).`,
        );
        return 1;
      }
      print(`Key ${result.kid} signs now (every replica within ${config.signingKeyReloadMs} ms).`);
      if (result.retiredKid)
        print(`Key ${result.retiredKid} is retired: still published, so its tokens stay valid until they expire.`);
      return 0;
    }
    case 'retire': {
      const removed = await rotation.retire();
      print(
        removed.length > 0
          ? `Removed from the JWKS: ${removed.join(', ')}.`
          : 'No retired key is old enough to remove.',
      );
      return 0;
    }
    default:
      print(ROTATE_KEYS_USAGE);
      return 2;
  }
}

/** `npm run keys:rotate -- <add|activate|retire|status>`: see docs/security.md. */
async function main(): Promise<number> {
  const config = authService.loadConfig();
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

// Run as a command (the bundle's entry); imported by tests, it only provides rotateKeysCommand.
if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `keys:rotate: ${error instanceof ConfigError ? error.message : ((error as Error)?.message ?? String(error))}\n`,
      );
      process.exit(2);
    },
  );
}
