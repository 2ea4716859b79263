import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clusterBeside } from './cluster-beside';

const GATEWAY = 'http://localhost:8080';

describe('the cluster beside a gateway (what `npm run demo -- --base-url` starts its fronts from)', () => {
  let dataDir: string;
  const describeCluster = (launcherPid: number, gatewayUrl = GATEWAY) =>
    writeFile(
      path.join(dataDir, 'cluster.json'),
      JSON.stringify({
        launcherPid,
        gateways: [{ name: 'gateway-1', url: gatewayUrl, adminUrl: 'http://localhost:9464' }],
      }),
    );

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'demo-cluster-beside-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('is the described cluster while its launcher runs and it lists this gateway', async () => {
    await describeCluster(process.pid);
    await expect(clusterBeside(GATEWAY, dataDir)).resolves.toMatchObject({ launcherPid: process.pid });
  });

  it('is none when no cluster is described', async () => {
    await expect(clusterBeside(GATEWAY, dataDir)).resolves.toBeUndefined();
  });

  it('ignores a file left by an npm start that has stopped', async () => {
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    await describeCluster(exited);
    await expect(clusterBeside(GATEWAY, dataDir)).resolves.toBeUndefined();
  });

  it('ignores a running cluster that does not serve this gateway', async () => {
    await describeCluster(process.pid, 'http://localhost:18080');
    await expect(clusterBeside(GATEWAY, dataDir)).resolves.toBeUndefined();
  });
});
