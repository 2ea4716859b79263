import type { Database } from '@jwt-msa/db';
import type { Background } from '@jwt-msa/service-defaults';
import {
  insertOrder,
  ORDER_COLUMNS,
  toOrderRecord,
  type NewOrderRecord,
  type OrderRecord,
  type OrderRow,
} from './order-repository';

/** How long a caller's Idempotency-Key is remembered; a retry after that is a new request. */
const IDEMPOTENCY_KEY_TTL_HOURS = 24;
const LIVE = `created_at >= now() - interval '${IDEMPOTENCY_KEY_TTL_HOURS} hours'`;

/** An order placed under a key, and the hash of the request that placed it. */
export interface KeyedOrder {
  requestHash: string;
  order: OrderRecord;
}

export type InsertOnceResult = { created: true; order: OrderRecord } | { created: false; existing: KeyedOrder };

type KeyedOrderRow = OrderRow & { request_hash: string };

const KEYED_ORDER = `SELECT k.request_hash, ${ORDER_COLUMNS.split(', ')
  .map((column) => `o.${column}`)
  .join(', ')}
  FROM order_idempotency_keys k JOIN orders o ON o.id = k.order_id
  WHERE k.user_id = $1 AND k.idempotency_key = $2 AND k.${LIVE}`;

const toKeyedOrder = (row: KeyedOrderRow): KeyedOrder => ({ requestHash: row.request_hash, order: toOrderRecord(row) });

/** Orders placed under a caller's Idempotency-Key (RFC draft-ietf-httpapi-idempotency-key-header). */
export class IdempotencyKeys {
  constructor(private readonly db: Database) {}

  /** The live order placed under this caller's key, if any. */
  async find(userId: string, key: string): Promise<KeyedOrder | undefined> {
    const rows = await this.db.query<KeyedOrderRow>('order-key.find', KEYED_ORDER, [userId, key]);
    return rows[0] && toKeyedOrder(rows[0]);
  }

  /**
   * Claims the key and inserts the order in one transaction, unless the key is taken. Claiming
   * inserts the key's row first: a concurrent request with the same key blocks on that row's
   * primary key until this transaction ends, then sees the committed order (or, if this one
   * rolled back, claims the key itself). So one key never yields two orders.
   */
  insertOnce(userId: string, key: string, requestHash: string, order: NewOrderRecord): Promise<InsertOnceResult> {
    return this.db.transaction(async (tx) => {
      // An expired key may be reused; the background prune may not have removed it yet.
      await tx.query(
        'order-key.expire',
        `DELETE FROM order_idempotency_keys WHERE user_id = $1 AND idempotency_key = $2 AND NOT (${LIVE})`,
        [userId, key],
      );
      const claimed = await tx.query(
        'order-key.claim',
        `INSERT INTO order_idempotency_keys (user_id, idempotency_key, request_hash) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING user_id`,
        [userId, key, requestHash],
      );
      if (claimed.length === 0) {
        const rows = await tx.query<KeyedOrderRow>('order-key.find', KEYED_ORDER, [userId, key]);
        return { created: false, existing: toKeyedOrder(rows[0]!) };
      }
      const record = await insertOrder(tx, order);
      await tx.query(
        'order-key.attach',
        'UPDATE order_idempotency_keys SET order_id = $3 WHERE user_id = $1 AND idempotency_key = $2',
        [userId, key, record.id],
      );
      return { created: true, order: record };
    });
  }

  /** Prunes expired keys now and then every `intervalMs`, while the replica runs (every replica may; it is idempotent). */
  pruning(intervalMs: number, onError: (error: unknown) => void): Background {
    let timer: NodeJS.Timeout | undefined;
    const prune = () => void this.pruneExpired().catch(onError);
    return {
      start: () => {
        prune();
        timer = setInterval(prune, intervalMs).unref();
      },
      stop: () => clearInterval(timer),
    };
  }

  /** Forgets keys older than the TTL; returns how many. */
  async pruneExpired(): Promise<number> {
    const rows = await this.db.query(
      'order-key.prune',
      `DELETE FROM order_idempotency_keys WHERE NOT (${LIVE}) RETURNING user_id`,
    );
    return rows.length;
  }
}
