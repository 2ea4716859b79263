import { HttpError, ValidationError } from '@jwt-msa/http-errors';

export interface NewOrder {
  productId: string;
  quantity: number;
}

export const MAX_QUANTITY = 1000;
const MAX_PRODUCT_ID_LENGTH = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Order and product ids are UUIDs; anything else names nothing (and must not reach SQL as a 500). */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}

export function parseNewOrder(input: unknown): NewOrder {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError('The body must be a JSON object');
  }
  const fields = input as Record<string, unknown>;
  return { productId: parseProductId(fields['productId']), quantity: parseQuantity(fields['quantity']) };
}

function parseProductId(value: unknown): string {
  if (value === undefined || value === null) throw new ValidationError('productId is required');
  if (typeof value !== 'string') throw new ValidationError('productId must be a string');
  if (value === '') throw new ValidationError('productId must not be empty');
  if (value.length > MAX_PRODUCT_ID_LENGTH)
    throw new ValidationError(`productId must be at most ${MAX_PRODUCT_ID_LENGTH} characters`);
  return value;
}

function parseQuantity(value: unknown): number {
  if (value === undefined || value === null) throw new ValidationError('quantity is required');
  // No coercion: "2" is as wrong as 1.5.
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_QUANTITY) {
    throw new ValidationError(`quantity must be an integer between 1 and ${MAX_QUANTITY}`);
  }
  return value;
}

/** Keys are opaque to us; a UUID is what clients are told to send. Printable ASCII, bounded. */
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

/** The Idempotency-Key header's value, if the request has one. */
export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(header)) {
    throw new HttpError(
      400,
      'invalid_idempotency_key',
      'Idempotency-Key must be 1 to 255 printable ASCII characters (a UUID is a good key)',
    );
  }
  return header;
}
