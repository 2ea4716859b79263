import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface AdminCredentials {
  username: string;
  password: string;
  /** Where a generated password was stored, if it was generated. */
  passwordFile?: string;
}

/**
 * The admin user for a local cluster: ADMIN_USERNAME/ADMIN_PASSWORD when set; otherwise a
 * development-only fallback, a random password kept in the git-ignored data dir.
 */
export async function devAdmin(dataDir: string, env: NodeJS.ProcessEnv): Promise<AdminCredentials> {
  const username = env['ADMIN_USERNAME'];
  const password = env['ADMIN_PASSWORD'];
  if (username && password) return { username, password };
  const passwordFile = path.join(dataDir, 'admin-password');
  const existing = await readFile(passwordFile, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  if (existing) return { username: username || 'admin', password: existing, passwordFile };
  const generated = randomBytes(18).toString('base64url');
  await writeFile(passwordFile, `${generated}\n`, { mode: 0o600 });
  return { username: username || 'admin', password: generated, passwordFile };
}
