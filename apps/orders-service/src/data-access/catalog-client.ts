import { identityHeadersFor, type Principal } from '@jwt-msa/claims';
import { DependencyError } from '@jwt-msa/http-errors';
import { REQUEST_ID_HEADER, type Logger } from '@jwt-msa/service-defaults';
import type { Replica, UpstreamPool } from '@jwt-msa/upstreams';

/** What the orders service needs to know about a product. */
export interface CatalogProduct {
  id: string;
  name: string;
  /** Currency units with at most 2 decimals. */
  price: number;
}

/** Who a lookup is made for: passed on so the catalog sees the original caller and request. */
export interface CallContext {
  principal: Principal;
  requestId: string | undefined;
}

export interface CatalogClientOptions {
  /** The catalog's replicas: every address of every configured URL, refreshed from DNS. */
  replicas: UpstreamPool;
  /** Deadline of one lookup, all replicas tried included. */
  timeoutMs: number;
  logger: Logger;
}

export class CatalogUnavailableError extends DependencyError {
  constructor(message = 'The catalog service is unavailable') {
    super(message, 503, 'catalog_unavailable');
  }
}

export class CatalogTimeoutError extends DependencyError {
  constructor(timeoutMs: number) {
    super(`The catalog service did not answer within ${timeoutMs} ms`, 504, 'catalog_timeout');
  }
}

/** The catalog answered, but not with anything this client understands. */
export class CatalogBadResponseError extends DependencyError {
  constructor(detail: string) {
    super(`The catalog service sent an unexpected response (${detail})`, 502, 'catalog_bad_response');
  }
}

/**
 * Reads products from catalog-service over HTTP, spreading lookups over every replica the pool
 * knows (each address of a DNS name included). A replica that cannot be reached is ejected for a
 * while and the lookup moves on to the next one: a GET may be retried.
 */
export class CatalogClient {
  constructor(private readonly options: CatalogClientOptions) {}

  /** The product, or undefined when the catalog does not know it. */
  async findProduct(productId: string, context: CallContext): Promise<CatalogProduct | undefined> {
    const { replicas, timeoutMs, logger } = this.options;
    const signal = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = { accept: 'application/json', ...identityHeadersFor(context.principal) };
    if (context.requestId) headers[REQUEST_ID_HEADER] = context.requestId;

    if (!replicas.isReady) await replicas.ready();
    const tried: Replica[] = [];
    for (let replica = replicas.pick(); replica; replica = replicas.pick(tried)) {
      tried.push(replica);
      let response: Response;
      try {
        response = await fetch(`${replica.url}/api/catalog/products/${encodeURIComponent(productId)}`, {
          headers,
          signal,
        });
      } catch (error) {
        if (signal.aborted) throw new CatalogTimeoutError(timeoutMs);
        replicas.eject(replica);
        logger.warn(
          { replica: replica.url, code: networkErrorCode(error), requestId: context.requestId },
          'catalog replica unreachable',
        );
        continue;
      }
      try {
        return await readProduct(response);
      } catch (error) {
        if (signal.aborted) throw new CatalogTimeoutError(timeoutMs);
        throw error;
      }
    }
    throw new CatalogUnavailableError(
      tried.length > 1 ? `None of the ${tried.length} catalog service replicas could be reached` : undefined,
    );
  }
}

async function readProduct(response: Response): Promise<CatalogProduct | undefined> {
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (response.status >= 500) {
    await response.body?.cancel();
    throw new CatalogUnavailableError(`The catalog service failed (HTTP ${response.status})`);
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new CatalogBadResponseError(`HTTP ${response.status}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    if ((error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError') throw error;
    throw new CatalogBadResponseError('the body is not JSON');
  }
  if (!isCatalogProduct(body)) throw new CatalogBadResponseError('not a product');
  return { id: body.id, name: body.name, price: body.price };
}

function isCatalogProduct(body: unknown): body is CatalogProduct {
  if (typeof body !== 'object' || body === null) return false;
  const { id, name, price } = body as Record<string, unknown>;
  return (
    typeof id === 'string' &&
    typeof name === 'string' &&
    typeof price === 'number' &&
    Number.isFinite(price) &&
    price > 0 &&
    Math.round(price * 100) / 100 === price
  );
}

/** undici wraps the socket error ("fetch failed" with a cause such as ECONNREFUSED). */
function networkErrorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } })?.cause;
  return typeof cause?.code === 'string' ? cause.code : (error as Error)?.message;
}
