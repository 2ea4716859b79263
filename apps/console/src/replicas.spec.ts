import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ReplicaDirectory } from './replicas';

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'console-replicas-'));
});
afterAll(() => rm(workDir, { recursive: true, force: true }));

describe('the replicas the console measures', () => {
  it('expands a DNS name to every address behind it (compose --scale, a headless Service)', async () => {
    const directory = new ReplicaDirectory(
      {
        clusterFile: '',
        gatewayUrls: ['http://gateway.internal:8080'],
        gatewayAdminUrls: ['http://gateway.internal:9464'],
        authMetricsUrls: ['http://auth.internal:3000', 'http://10.0.0.9:3000'],
      },
      async (hostname) => (hostname === 'gateway.internal' ? ['10.0.0.1', '10.0.0.2'] : ['10.0.0.7']),
    );
    expect(await directory.gateways()).toEqual([{ url: 'http://10.0.0.1:8080' }, { url: 'http://10.0.0.2:8080' }]);
    expect((await directory.gatewayAdmins()).map((r) => r.url)).toEqual([
      'http://10.0.0.1:9464',
      'http://10.0.0.2:9464',
    ]);
    expect((await directory.authReplicas()).map((r) => r.url)).toEqual([
      'http://10.0.0.7:3000',
      'http://10.0.0.9:3000',
    ]);
  });

  it('reads the cluster file on every call (a restarted cluster has new ports), once per URL', async () => {
    const clusterFile = path.join(workDir, 'cluster.json');
    const write = (port: number) =>
      writeFile(
        clusterFile,
        JSON.stringify({
          gateways: [{ name: 'gateway-1', url: `http://localhost:${port}`, adminUrl: `http://127.0.0.1:${port + 1}` }],
          replicas: { auth: [{ name: 'auth-1', url: 'http://127.0.0.1:4000', pid: 1 }] },
        }),
      );
    const directory = new ReplicaDirectory({
      clusterFile,
      gatewayUrls: [],
      gatewayAdminUrls: ['http://127.0.0.1:8001'],
      authMetricsUrls: ['http://127.0.0.1:4000'],
    });
    await write(8000);
    expect(await directory.gateways()).toEqual([{ name: 'gateway-1', url: 'http://localhost:8000' }]);
    expect(await directory.gatewayAdmins()).toEqual([{ name: 'gateway-1', url: 'http://127.0.0.1:8001' }]);
    expect(await directory.authReplicas()).toEqual([{ name: 'auth-1', url: 'http://127.0.0.1:4000' }]);
    await write(9000);
    expect(await directory.gateways()).toEqual([{ name: 'gateway-1', url: 'http://localhost:9000' }]);
  });
});
