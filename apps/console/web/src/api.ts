import { explainChallenge } from './www-authenticate';

/** One HTTP exchange with the system, as the log shows it. */
export interface CallRecord {
  method: string;
  path: string;
  /** null when the request never got an answer (network error, gateway unreachable). */
  status: number | null;
  latencyMs: number;
  /** X-Gateway-Instance, or "-" when absent. */
  gateway: string;
  /** X-Served-By, or "-" when absent. */
  servedBy: string;
  /** What a learner should read about the outcome (the 401 reason, an error code...). */
  note: string;
  /** Which token went with it, when it matters ("tampered", "alg: none", "old refresh token"). */
  label?: string;
  body: unknown;
  headers: Headers | undefined;
}

export interface RequestOptions {
  token?: string | undefined;
  json?: unknown;
  headers?: Record<string, string>;
  label?: string;
  /** Not shown in the request log (the counters poll). */
  quiet?: boolean;
}

type Listener = (record: CallRecord) => void;
const listeners: Listener[] = [];
export const onCall = (listener: Listener) => listeners.push(listener);

const errorBody = (body: unknown): { error?: string; message?: string } =>
  typeof body === 'object' && body !== null ? (body as { error?: string; message?: string }) : {};

/** A short reading of a response for the log and for messages. */
export function describeOutcome(status: number | null, headers: Headers | undefined, body: unknown): string {
  if (status === null) return 'No answer: the gateway cannot be reached';
  const { error, message } = errorBody(body);
  if (status === 401 && headers?.get('www-authenticate')) return explainChallenge(headers.get('www-authenticate'));
  if (status === 502 || status === 503 || status === 504)
    return `The system is unavailable (${status}${error ? ` ${error}` : ''})${message ? `: ${message}` : ''}`;
  if (status >= 400) return [error, message].filter(Boolean).join(': ') || `HTTP ${status}`;
  return '';
}

const header = (headers: Headers | undefined, name: string) => headers?.get(name) || '-';

/**
 * fetch() to the system's own origin (the page is served by the gateway at /console/). Never
 * throws: a network failure is a record with status null. Credentials are never sent implicitly:
 * the only credential is the Bearer token in memory.
 */
export async function request(method: string, path: string, options: RequestOptions = {}): Promise<CallRecord> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const started = performance.now();
  let record: CallRecord;
  try {
    const response = await fetch(path, {
      method,
      headers,
      body: options.json === undefined ? null : JSON.stringify(options.json),
      credentials: 'omit',
      cache: 'no-store',
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    record = {
      method,
      path,
      status: response.status,
      latencyMs: Math.round(performance.now() - started),
      gateway: header(response.headers, 'x-gateway-instance'),
      servedBy: header(response.headers, 'x-served-by'),
      note: describeOutcome(response.status, response.headers, body),
      body,
      headers: response.headers,
    };
  } catch {
    record = {
      method,
      path,
      status: null,
      latencyMs: Math.round(performance.now() - started),
      gateway: '-',
      servedBy: '-',
      note: describeOutcome(null, undefined, undefined),
      body: undefined,
      headers: undefined,
    };
  }
  if (options.label) record.label = options.label;
  if (!options.quiet) for (const listener of listeners) listener(record);
  return record;
}

/** 404 and 501 mean an endpoint this page knows of is not part of the running system yet. */
export const notOffered = (record: CallRecord) => record.status === 404 || record.status === 501;
export const unreachable = (record: CallRecord) =>
  record.status === null || record.status === 502 || record.status === 503 || record.status === 504;

/** A fresh v4 UUID; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function newUuid(): string {
  if (typeof globalThis.crypto?.randomUUID === 'function') return globalThis.crypto.randomUUID();
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
