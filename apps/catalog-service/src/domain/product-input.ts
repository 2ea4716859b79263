import { ValidationError } from '@jwt-msa/http-errors';

export interface NewProduct {
  name: string;
  /** Currency units with at most 2 decimals, e.g. 19.99. */
  price: number;
}

export interface Page {
  limit: number;
  offset: number;
}

export const MAX_NAME_LENGTH = 200;
export const MAX_PRICE = 1_000_000;
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// PostgreSQL text cannot hold NUL, and no product name needs a line break or a tab.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Product ids are UUIDs; anything else cannot name a product (and must not reach SQL as a 500). */
export function isProductId(id: string): boolean {
  return UUID.test(id);
}

export function parseNewProduct(input: unknown): NewProduct {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError('The body must be a JSON object');
  }
  const fields = input as Record<string, unknown>;
  return { name: parseName(fields['name']), price: parsePrice(fields['price']) };
}

function parseName(value: unknown): string {
  if (value === undefined || value === null) throw new ValidationError('name is required');
  if (typeof value !== 'string') throw new ValidationError('name must be a string');
  const name = value.trim();
  if (name === '') throw new ValidationError('name must not be empty');
  if ([...name].length > MAX_NAME_LENGTH)
    throw new ValidationError(`name must be at most ${MAX_NAME_LENGTH} characters`);
  if (CONTROL_CHARACTERS.test(name)) throw new ValidationError('name must not contain control characters');
  return name;
}

function parsePrice(value: unknown): number {
  if (value === undefined || value === null) throw new ValidationError('price is required');
  // A JSON literal like 1e400 parses to Infinity, so "a number" is not enough.
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ValidationError('price must be a finite number');
  if (value <= 0) throw new ValidationError('price must be greater than 0');
  if (value > MAX_PRICE) throw new ValidationError(`price must be at most ${MAX_PRICE}`);
  if (Math.round(value * 100) / 100 !== value) throw new ValidationError('price must have at most 2 decimals');
  return value;
}

/** `?limit=` (1..100, default 20) and `?offset=` (>= 0, default 0). */
export function parsePage(query: Record<string, unknown>): Page {
  return {
    limit: parseIntegerParam(query['limit'], 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT),
    offset: parseIntegerParam(query['offset'], 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

function parseIntegerParam(raw: unknown, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
  // Repeated parameters arrive as arrays: ambiguous, so rejected like any other malformed value.
  if (typeof raw !== 'string' || !/^\d{1,16}$/.test(raw))
    throw new ValidationError(`${name} must be an integer ${range}`);
  const value = Number(raw);
  if (value < min || value > max) throw new ValidationError(`${name} must be an integer ${range}`);
  return value;
}
