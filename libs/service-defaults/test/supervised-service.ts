import { Router } from 'express';
import { createDomainServiceApp, createLogger, runService } from '../src/index';

/**
 * A service as the launcher runs one: the real app, logger and runService, started over IPC.
 * Idle, as most replicas are: its next log line is the one about shutting down, so the first
 * write that meets a dead stdout is the synchronous flush right before it exits.
 */
const logger = createLogger('supervised', 'fixture', 'info');
const service = createDomainServiceApp({
  service: 'supervised',
  instanceId: 'fixture',
  logger,
  bodyLimits: { limitBytes: 1024, timeoutMs: 2000 },
  routes: Router(),
});
void runService({
  service,
  host: '127.0.0.1',
  port: 0,
  logger,
  shutdownGraceMs: 2000,
});
