import { isIP } from 'node:net';
import type { Request } from 'express';

/**
 * The client's address for login throttling. The auth service is reachable only through the
 * gateway, which appends the address of the TCP peer it accepted as the last X-Forwarded-For
 * entry; every earlier entry came from the client and is ignored. Without the header (a direct
 * call in a test or on the internal network) the TCP peer is the client. An IPv6 client is
 * counted by its /64, the block one subscriber usually gets.
 */
export function clientAddress(req: Request): string {
  const forwarded = req.headers['x-forwarded-for'];
  const lastHop = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',').at(-1)?.trim() ?? '';
  const address = isIP(lastHop) ? lastHop : (req.socket.remoteAddress ?? 'unknown');
  return normalize(address);
}

function normalize(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((group) => group.replace(/^0+(?=.)/, ''));
}
