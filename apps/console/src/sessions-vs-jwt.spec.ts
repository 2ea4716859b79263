import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createLogger } from '@jwt-msa/service-defaults';
import { createConsoleApp, type ConsoleApp } from './app';
import { loadConsoleConfig } from './config';

const logger = createLogger('console', 'test', 'silent');
let workDir: string;
const apps: ConsoleApp[] = [];

const MODES = ['jwt', 'memory-round-robin', 'memory-sticky', 'replicated', 'shared-store'].map((mode) => ({
  mode,
  requests: 30,
  failed: mode === 'jwt' ? 0 : 5,
  storeQueries: mode === 'jwt' ? 0 : 30,
  logins: 1,
  copiesPerLogin: 0,
  replicaKilled: true,
}));

/**
 * A stand-in for the runner bundle: writes down its arguments, says a progress line, waits until
 * the test writes `release` (or forever), then does what that file says: print figures, or fail.
 */
const FAKE_RUNNER = `
const fs = require('node:fs');
const path = require('node:path');
const dir = ${JSON.stringify('__DIR__')};
// Written whole, then renamed: the test polls for the file and must never read half of it.
fs.writeFileSync(path.join(dir, 'argv.json.tmp'), JSON.stringify(process.argv.slice(2)));
fs.renameSync(path.join(dir, 'argv.json.tmp'), path.join(dir, 'argv.json'));
process.stderr.write('jwt: 3 fronts, starting\\n');
const timer = setInterval(() => {
  const release = path.join(dir, 'release');
  if (!fs.existsSync(release)) return;
  clearInterval(timer);
  const what = fs.readFileSync(release, 'utf8');
  fs.rmSync(release);
  if (what === 'fail') { process.stderr.write('sessions vs JWT failed: login at jwt-1 answered 503\\n'); process.exit(1); }
  process.stdout.write(JSON.stringify({ modes: ${JSON.stringify(MODES)} }) + '\\n');
  process.exit(0);
}, 20);
`;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'console-compare-spec-'));
  await writeFile(path.join(workDir, 'runner.js'), FAKE_RUNNER.replace('"__DIR__"', JSON.stringify(workDir)));
  await writeFile(path.join(workDir, 'cluster.json'), '{}');
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.comparisons.stop()));
  await rm(path.join(workDir, 'release'), { force: true });
});
afterAll(() => rm(workDir, { recursive: true, force: true }));

const consoleApp = (env: Record<string, string> = {}) => {
  const app = createConsoleApp(
    loadConsoleConfig({
      CONSOLE_PUBLIC_DIR: workDir,
      INSTANCE_ID: 'console-1',
      CLUSTER_FILE: path.join(workDir, 'cluster.json'),
      SESSIONS_VS_JWT_RUNNER: path.join(workDir, 'runner.js'),
      ...env,
    }),
    logger,
  );
  apps.push(app);
  return app;
};
const release = (what: 'figures' | 'fail') => writeFile(path.join(workDir, 'release'), what);

async function until(app: ConsoleApp, id: string, state: string): Promise<request.Response> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await request(app.app).get(`/console/api/sessions-vs-jwt/${id}`).expect(200);
    if (res.body.state === state) return res;
    if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(res.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

describe('POST /console/api/sessions-vs-jwt, then GET /console/api/sessions-vs-jwt/:id', () => {
  it('starts the runner on the cluster file, answers 202 at once, and the figures once it is done', async () => {
    const app = consoleApp();
    const started = await request(app.app).post('/console/api/sessions-vs-jwt').send({ calls: 30 }).expect(202);
    expect(started.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), state: 'running' });
    const id = started.body.id as string;
    expect(started.headers['location']).toBe(`/console/api/sessions-vs-jwt/${id}`);
    expect(started.headers['cache-control']).toBe('no-store');

    const running = await until(app, id, 'running');
    const deadline = Date.now() + 5000;
    while (!existsSync(path.join(workDir, 'argv.json')) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const argv = JSON.parse(await readFile(path.join(workDir, 'argv.json'), 'utf8')) as string[];
    expect(argv.slice(0, 4)).toEqual(['--cluster-file', path.join(workDir, 'cluster.json'), '--calls', '30']);
    expect(argv[4]).toBe('--work-dir');
    expect(existsSync(argv[5]!)).toBe(true);
    expect(running.headers['cache-control']).toBe('no-store');
    let progress = (await until(app, id, 'running')).body;
    while (!progress.progress && Date.now() < deadline) progress = (await until(app, id, 'running')).body;
    expect(progress).toEqual({ id, state: 'running', progress: 'jwt: 3 fronts, starting' });

    await release('figures');
    const done = await until(app, id, 'done');
    expect(done.body).toEqual({ id, state: 'done', modes: MODES });
    // Its work dir (the fronts' logs, the store's data) is gone with it.
    expect(existsSync(argv[5]!)).toBe(false);
  });

  it('runs one at a time: a second POST answers 409 naming the running one; afterwards a new one starts', async () => {
    const app = consoleApp();
    const first = await request(app.app).post('/console/api/sessions-vs-jwt').send({}).expect(202);
    const second = await request(app.app).post('/console/api/sessions-vs-jwt').send({ calls: 20 }).expect(409);
    expect(second.body).toEqual({
      error: 'comparison_running',
      message: `A comparison is already running: ${first.body.id}`,
    });
    expect(second.headers['location']).toBe(`/console/api/sessions-vs-jwt/${first.body.id}`);
    await release('figures');
    await until(app, first.body.id, 'done');
    const argv = JSON.parse(await readFile(path.join(workDir, 'argv.json'), 'utf8')) as string[];
    expect(argv[3]).toBe('100'); // the default
    const third = await request(app.app).post('/console/api/sessions-vs-jwt').send({ calls: 200 }).expect(202);
    expect(third.body.id).not.toBe(first.body.id);
    // The first one's figures are still there.
    expect((await request(app.app).get(`/console/api/sessions-vs-jwt/${first.body.id}`)).body.state).toBe('done');
  });

  it("says why a run failed: the runner's last line, or the time bound it exceeded", async () => {
    const app = consoleApp();
    const failing = await request(app.app).post('/console/api/sessions-vs-jwt').send({}).expect(202);
    await release('fail');
    expect((await until(app, failing.body.id, 'failed')).body).toEqual({
      id: failing.body.id,
      state: 'failed',
      error: 'The runner failed: sessions vs JWT failed: login at jwt-1 answered 503',
    });

    const slow = consoleApp({ SESSIONS_VS_JWT_TIMEOUT_MS: '1000' });
    const hanging = await request(slow.app).post('/console/api/sessions-vs-jwt').send({}).expect(202);
    expect((await until(slow, hanging.body.id, 'failed')).body).toEqual({
      id: hanging.body.id,
      state: 'failed',
      error: 'The comparison did not finish within 1 s and was stopped',
    });
  });

  it('stops the running child when the console shuts down', async () => {
    const app = consoleApp();
    const run = await request(app.app).post('/console/api/sessions-vs-jwt').send({}).expect(202);
    await until(app, run.body.id, 'running');
    await app.comparisons.stop();
    expect((await request(app.app).get(`/console/api/sessions-vs-jwt/${run.body.id}`)).body).toEqual({
      id: run.body.id,
      state: 'failed',
      error: 'The runner was stopped (SIGTERM)',
    });
  });

  it('refuses bad call counts with 400, unknown runs with 404', async () => {
    const app = consoleApp();
    for (const calls of [19, 201, 50.5, '50', null]) {
      const res = await request(app.app).post('/console/api/sessions-vs-jwt').send({ calls });
      expect([calls, res.status, res.body]).toEqual([
        calls,
        400,
        { error: 'invalid_request', message: '"calls" must be an integer from 20 to 200' },
      ]);
    }
    const res = await request(app.app).get('/console/api/sessions-vs-jwt/nope').expect(404);
    expect(res.body.error).toBe('not_found');
  });

  it('answers 501 not_available where no runner is configured (compose, Kubernetes)', async () => {
    const app = consoleApp({ SESSIONS_VS_JWT_RUNNER: '' });
    const res = await request(app.app).post('/console/api/sessions-vs-jwt').send({}).expect(501);
    expect(res.body.error).toBe('not_available');
    expect(res.body.message).toMatch(/starts processes of its own .* it runs beside “npm start” only/);
  });
});
