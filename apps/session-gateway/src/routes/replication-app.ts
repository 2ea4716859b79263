import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Background, Logger } from '@jwt-msa/service-defaults';
import {
  COPY_SIGNATURE_HEADER,
  CopyRefusedError,
  verifiedCopy,
  type ReplicatedSessionStore,
} from '../data-access/replicated-session-store';

/** The internal listener peers send their copies to; never the public port. */
export function createReplicationApp(
  store: ReplicatedSessionStore,
  secret: string,
  { now, logger }: { now: () => number; logger: Logger },
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.post('/session-copies', express.text({ type: () => true, limit: '16kb' }), async (req, res) => {
    const signature = req.headers[COPY_SIGNATURE_HEADER];
    const copy = verifiedCopy(
      typeof req.body === 'string' ? req.body : '',
      typeof signature === 'string' ? signature : undefined,
      secret,
      now(),
    );
    await store.apply(copy);
    res.status(204).end();
  });
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'Not found' });
  });
  const refused: ErrorRequestHandler = (error: Error, req, res, _next) => {
    if (error instanceof CopyRefusedError) {
      logger.warn({ from: req.socket.remoteAddress, reason: error.message }, 'session copy refused');
      res.status(401).json({ error: error.code, message: error.message });
      return;
    }
    const status = (error as { status?: number }).status;
    res
      .status(status && status < 500 ? status : 500)
      .json({ error: 'invalid_request', message: 'The copy was not read' });
  };
  app.use(refused);
  return app;
}

/** The replication listener as background work of the replica: listens when it starts, closes when it stops. */
export class ReplicationListener implements Background {
  private server: Server | undefined;

  constructor(
    private readonly app: Express,
    private readonly host: string,
    private readonly port: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    void this.listen().catch((error: Error) => {
      // Without it this replica would silently miss every copy: stop instead of serving half a cluster.
      this.logger.fatal({ err: error.message, port: this.port }, 'the replication listener could not listen');
      process.kill(process.pid, 'SIGTERM');
    });
  }

  /** Listens; the port it bound. */
  async listen(): Promise<number> {
    const server = createServer(this.app);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    this.logger.info({ port }, 'replication listener (internal)');
    return port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
  }
}
