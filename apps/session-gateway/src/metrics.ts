import { Counter } from 'prom-client';
import { EdgeMetrics } from '@jwt-msa/edge';

/** The edge's metrics plus what sessions cost: lookups in the store and copies to the peers. */
export class SessionGatewayMetrics extends EdgeMetrics {
  private readonly lookups = new Counter({
    name: 'session_store_lookups_total',
    help: 'Session lookups in the store (one per request on a protected route with a well-formed sid), by store and result.',
    labelNames: ['store', 'result'],
    registers: [this.registry],
  });
  private readonly copies = new Counter({
    name: 'session_copies_sent_total',
    help: 'Session writes and deletes copied to a peer (replicated store), by outcome.',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly logins = new Counter({
    name: 'session_logins_total',
    help: 'Sessions created.',
    registers: [this.registry],
  });

  constructor(
    instanceId: string,
    private readonly store: string,
  ) {
    super('session-gateway', instanceId);
    this.lookups.inc({ store, result: 'found' }, 0);
    this.copies.inc({ outcome: 'ok' }, 0);
    this.copies.inc({ outcome: 'failed' }, 0);
    this.logins.inc(0);
  }

  readonly countLookup = (found: boolean): void => {
    this.lookups.inc({ store: this.store, result: found ? 'found' : 'unknown' });
  };

  readonly countCopy = (outcome: 'ok' | 'failed'): void => {
    this.copies.inc({ outcome });
  };

  readonly countLogin = (): void => {
    this.logins.inc();
  };
}
