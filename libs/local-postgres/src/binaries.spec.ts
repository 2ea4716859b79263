import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findNativeDir, locateBinaries } from './binaries';
import { resolveServerUser, spawnOptionsFor } from './server-user';

const itWhenRoot = process.getuid?.() === 0 ? it : it.skip;

describe('locateBinaries', () => {
  let workDir: string;

  beforeAll(async () => {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'local-postgres-binaries-'));
    await fs.chmod(workDir, 0o755); // mkdtemp makes it private; only the checkout inside should be.
  });

  afterAll(async () => {
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it('uses the installed package in place when the server user can run it', async () => {
    const binaries = await locateBinaries(resolveServerUser());
    expect(binaries.postgres).toBe(path.join(findNativeDir(), 'bin', 'postgres'));
  });

  itWhenRoot('copies the binaries to a readable cache when the checkout is private', async () => {
    const privateCheckout = path.join(workDir, 'checkout');
    await fs.mkdir(privateCheckout, { mode: 0o700 });
    const privateNative = path.join(privateCheckout, 'native');
    await fs.cp(findNativeDir(), privateNative, { recursive: true, verbatimSymlinks: true });
    const cacheDir = path.join(workDir, 'cache');
    const user = resolveServerUser();

    const binaries = await locateBinaries(user, privateNative, cacheDir);
    const again = await locateBinaries(user, privateNative, cacheDir);

    expect(binaries.postgres).toBe(path.join(cacheDir, 'bin', 'postgres'));
    expect(again).toEqual(binaries);
    expect((await fs.readlink(path.join(cacheDir, 'lib', 'libpq.so'))).startsWith('/')).toBe(false);
    const version = spawnSync(binaries.postgres, ['--version'], { ...spawnOptionsFor(user), encoding: 'utf8' });
    expect(version.stdout).toMatch(/^postgres \(PostgreSQL\) 17\./);
    expect((await fs.readdir(workDir)).sort()).toEqual(['cache', 'checkout']);
  });
});
