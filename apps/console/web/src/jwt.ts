import { Base64UrlError, base64UrlToBytes, base64UrlToText, textToBase64Url } from './base64url';

export type JsonObject = Record<string, unknown>;

export interface DecodedToken {
  /** The three encoded parts as they appear in the token. */
  parts: { header: string; payload: string; signature: string };
  header: JsonObject;
  payload: JsonObject;
  signature: Uint8Array<ArrayBuffer>;
}

export type DecodeResult = { ok: true; token: DecodedToken } | { ok: false; error: string };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function decodeJsonPart(name: 'header' | 'payload', encoded: string): JsonObject {
  if (encoded === '') throw new Error(`The ${name} is empty`);
  let text: string;
  try {
    text = base64UrlToText(encoded);
  } catch (error) {
    throw new Error(`The ${name} ${(error as Base64UrlError).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`The ${name} is not JSON`);
  }
  if (!isObject(value)) throw new Error(`The ${name} is not a JSON object`);
  return value;
}

/** Splits and decodes a compact JWS (header.payload.signature) without checking the signature. */
export function decodeToken(input: string): DecodeResult {
  const token = input.trim();
  if (token === '') return { ok: false, error: 'The token is empty' };
  const segments = token.split('.');
  if (segments.length === 5)
    return { ok: false, error: 'This is an encrypted token (JWE, five parts): it cannot be read' };
  if (segments.length !== 3)
    return { ok: false, error: `A signed JWT has three parts separated by dots; this one has ${segments.length}` };
  const [header = '', payload = '', signature = ''] = segments;
  try {
    const decoded: DecodedToken = {
      parts: { header, payload, signature },
      header: decodeJsonPart('header', header),
      payload: decodeJsonPart('payload', payload),
      signature: new Uint8Array(),
    };
    try {
      decoded.signature = base64UrlToBytes(signature);
    } catch (error) {
      throw new Error(`The signature ${(error as Base64UrlError).message}`);
    }
    return { ok: true, token: decoded };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** A token with the given header and payload and an arbitrary (usually the original, now wrong) signature. */
export function encodeToken(header: JsonObject, payload: JsonObject, signature: string): string {
  return `${textToBase64Url(JSON.stringify(header))}.${textToBase64Url(JSON.stringify(payload))}.${signature}`;
}

/** Parses the JSON a user typed as a payload: an object, or a readable error. */
export function parsePayloadJson(text: string): { ok: true; payload: JsonObject } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `The payload is not valid JSON: ${(error as Error).message}` };
  }
  if (!isObject(value)) return { ok: false, error: 'The payload must be a JSON object ({ ... })' };
  return { ok: true, payload: value };
}
