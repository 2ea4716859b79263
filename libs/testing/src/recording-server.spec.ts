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

  it('is never a port a server on port 0 was given', async () => {
    const server = await recordingServer(() => ({ body: {} }));
    try {
      expect(await deadPort()).not.toBe(server.port);
      expect(server.port).toBeGreaterThanOrEqual(1024);
    } finally {
      await server.close();
    }
  });
});
