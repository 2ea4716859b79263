import { isIP } from 'node:net';
import type { Request } from 'express';

/**
 * The client's address for login throttling. The auth service is reachable only through the
 * gateway, which appends the address of the TCP peer it accepted as the last X-Forwarded-For
 * entry. `trustedProxyHops` counts the proxies in front of the gateway (an ingress, a load
 * balancer) that append theirs the same way: the client is the entry that many places left of the
 * gateway's own. Everything further left came from the client and is ignored, so a client cannot
 * choose its bucket by sending the header itself; a list shorter than the trusted hops gives its
 * leftmost entry (as express's `trust proxy` does). Without the header (a direct call in a test or
 * on the internal network) the TCP peer is the client. An IPv6 client is counted by its /64, the
 * block one subscriber usually gets.
 */
export function clientAddress(req: Request, trustedProxyHops = 0): string {
  const forwarded = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  const candidate = hops.length === 0 ? '' : hops[Math.max(0, hops.length - 1 - trustedProxyHops)]!;
  const address = isIP(candidate) ? candidate : (req.socket.remoteAddress ?? 'unknown');
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
