import { identityHeadersFor, type Principal } from '@jwt-msa/claims';
import { DependencyError } from '@jwt-msa/http-errors';
import { REQUEST_ID_HEADER, type Logger } from '@jwt-msa/service-defaults';

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
  /** Base URLs of the catalog replicas. */
  baseUrls: readonly string[];
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

/** Reads products from catalog-service over HTTP, spreading lookups over its replicas. */
export class CatalogClient {
  private next = 0;

  constructor(private readonly options: CatalogClientOptions) {
    if (options.baseUrls.length === 0) throw new Error('the catalog client needs at least one replica URL');
  }

  /** The product, or undefined when the catalog does not know it. */
  async findProduct(productId: string, context: CallContext): Promise<CatalogProduct | undefined> {
    const { baseUrls, timeoutMs, logger } = this.options;
    const signal = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = { accept: 'application/json', ...identityHeadersFor(context.principal) };
    if (context.requestId) headers[REQUEST_ID_HEADER] = context.requestId;

    const first = this.pickReplica();
    for (let attempt = 0; attempt < baseUrls.length; attempt += 1) {
      const baseUrl = baseUrls[(first + attempt) % baseUrls.length]!;
      let response: Response;
      try {
        response = await fetch(`${baseUrl}/api/catalog/products/${encodeURIComponent(productId)}`, { headers, signal });
      } catch (error) {
        if (signal.aborted) throw new CatalogTimeoutError(timeoutMs);
        // A GET is idempotent, so any failure to get an answer may be retried on the next replica.
        logger.warn(
          { replica: baseUrl, code: networkErrorCode(error), requestId: context.requestId },
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
      baseUrls.length > 1 ? `None of the ${baseUrls.length} catalog service replicas could be reached` : undefined,
    );
  }

  private pickReplica(): number {
    const index = this.next;
    this.next = (this.next + 1) % this.options.baseUrls.length;
    return index;
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
