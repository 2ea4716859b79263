/** base64url (RFC 4648 §5) without padding, as JWS uses it (RFC 7515 §2). */

const ALPHABET = /^[A-Za-z0-9_-]*$/;

export class Base64UrlError extends Error {
  override readonly name = 'Base64UrlError';
}

/** Bytes of a base64url string. Padding is tolerated; any other character outside the alphabet is an error. */
export function base64UrlToBytes(input: string): Uint8Array<ArrayBuffer> {
  const text = input.replace(/=+$/, '');
  if (!ALPHABET.test(text)) throw new Base64UrlError('contains characters outside the base64url alphabet');
  if (text.length % 4 === 1) throw new Base64UrlError('has an impossible length');
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The UTF-8 text a base64url string encodes; invalid UTF-8 is an error, never replaced silently. */
export function base64UrlToText(input: string): string {
  const bytes = base64UrlToBytes(input);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Base64UrlError('is not valid UTF-8');
  }
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function textToBase64Url(text: string): string {
  return bytesToBase64Url(new TextEncoder().encode(text));
}
