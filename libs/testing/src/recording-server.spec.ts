import { connect } from 'node:net';
import { deadPort, recordingServer } from './recording-server';

const connectError = (port: number) =>
  new Promise<string>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });

describe('deadPort', () => {
  it('gives a different port on each call, below the ephemeral range, and connections to it are refused', async () => {
    const [a, b] = [await deadPort(), await deadPort()];
    expect(a).not.toBe(b);
    for (const port of [a, b]) {
      expect(port).toBeLessThan(1024);
      await expect(connectError(port)).resolves.toBe('ECONNREFUSED');
    }
  });

  it('stays refused while servers keep starting on port 0 (what parallel tests do)', async () => {
    const dead = await deadPort();
    const servers = await Promise.all(Array.from({ length: 20 }, () => recordingServer(() => ({ body: {} }))));
    try {
      for (const server of servers) expect(server.port).not.toBe(dead);
      await expect(connectError(dead)).resolves.toBe('ECONNREFUSED');
    } finally {
      await Promise.all(servers.map((server) => server.close()));
    }
  });
});
