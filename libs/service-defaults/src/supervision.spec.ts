import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';

const root = path.resolve(__dirname, '..', '..', '..');
/** The fixture service, bundled once inside the workspace (so its npm packages resolve from node_modules). */
mkdirSync(path.join(root, 'tmp'), { recursive: true });
const workDir = mkdtempSync(path.join(root, 'tmp', 'supervision-'));
const bundle = path.join(workDir, 'supervised-service.js');
const started: number[] = [];
/** Every process this suite spawned, killed at the end whatever happened (a failed or timed-out test must not leave them, nor keep jest waiting on their pipes). */
const spawned: ChildProcess[] = [];
/** Starting a process is slow on a loaded machine: these tests may wait that long. */
const TEST_TIMEOUT_MS = 90_000;
jest.setTimeout(TEST_TIMEOUT_MS);

beforeAll(() => {
  buildSync({
    entryPoints: [path.resolve(__dirname, '..', 'test', 'supervised-service.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    tsconfig: path.join(root, 'tsconfig.base.json'),
    logLevel: 'silent',
  });
});

afterAll(() => {
  for (const child of spawned) child.kill('SIGKILL');
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone, as it should be
    }
  }
  rmSync(workDir, { recursive: true, force: true });
});

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitForExit(pid: number, timeoutMs: number): Promise<number> {
  const startedAt = Date.now();
  while (isAlive(pid) && Date.now() - startedAt < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 50));
  return Date.now() - startedAt;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.split('\n')[0]!);
    });
    child.once('exit', () => reject(new Error(`exited before printing: ${text}`)));
  });
}

describe('a service started by a supervisor', () => {
  it('exits within seconds when its parent is killed with SIGKILL, though its stdout pipe died with it', async () => {
    // The launcher's way: fork over IPC, stdout and stderr piped to the parent. (The pid is printed as a
    // string: console.log colours a number when FORCE_COLOR is set, as Nx sets it for its tasks.)
    const launcher = spawn(
      process.execPath,
      [
        '-e',
        `const child = require('node:child_process').spawn(process.execPath, [process.argv[1]], {
           stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
         child.stdout.resume();
         child.on('message', (m) => { if (m.type === 'listening') console.log(String(child.pid)); });`,
        bundle,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    spawned.push(launcher);
    const line = await firstLine(launcher);
    const pid = Number(line);
    started.push(pid);
    expect({ line, alive: isAlive(pid) }).toEqual({ line: String(pid), alive: true });
    // Long enough for the service to have logged through the pipe for a while.
    await new Promise((resolve) => setTimeout(resolve, 300));
    launcher.kill('SIGKILL');
    // Bounds generous for a loaded machine: before the fix, the service never exited at all.
    const took = await waitForExit(pid, 20_000);
    expect({ alive: isAlive(pid), took: took < 10_000 }).toEqual({ alive: false, took: true });
  });

  it('logs into a closed stdout pipe without spinning, and drains and exits 0 on SIGTERM', async () => {
    const service = spawn(process.execPath, [bundle], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    spawned.push(service);
    started.push(service.pid!);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      service.once('exit', (code, signal) => resolve({ code, signal })),
    );
    await new Promise<void>((resolve) => service.once('message', () => resolve()));
    // Its start-up lines written out (batches go every 250 ms), the reader goes away: every write
    // from now on fails with EPIPE, the first one inside the flush at exit.
    await new Promise((resolve) => setTimeout(resolve, 400));
    service.stdout!.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const signalledAt = Date.now();
    service.kill('SIGTERM');
    const exit = await Promise.race([
      exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 20_000).unref()),
    ]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
  });
});
