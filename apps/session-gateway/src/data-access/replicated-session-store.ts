import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Logger } from '@jwt-msa/service-defaults';
import type { StoredSession } from '../domain/session';
import type { SessionStore } from '../domain/session-store';
import type { MemorySessionStore } from './memory-session-store';

/** One session write or delete, as a replica sends it to its peers. */
export type SessionCopy =
  | { op: 'save'; sentAt: number; session: StoredSession }
  | { op: 'delete'; sentAt: number; idHash: string };

export const COPY_SIGNATURE_HEADER = 'x-session-copy-signature';
/** A copy older than this is refused, so a recorded one cannot be replayed later (a logout undone). */
const MAX_COPY_AGE_MS = 30_000;
const COPY_TIMEOUT_MS = 2000;

export function signCopy(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

/** Refusal of a copy: a forged one would inject an identity into every replica that took it. */
export class CopyRefusedError extends Error {
  readonly code = 'copy_refused';
}

function isStoredSession(value: unknown): value is StoredSession {
  const session = value as StoredSession;
  return (
    typeof session?.idHash === 'string' &&
    typeof session.createdAt === 'number' &&
    typeof session.lastSeenAt === 'number' &&
    typeof session.user?.sub === 'string' &&
    typeof session.user.username === 'string' &&
    Array.isArray(session.user.roles) &&
    session.user.roles.every((role) => typeof role === 'string')
  );
}

/** The copy in `body`, if its signature is ours and it is recent; throws CopyRefusedError otherwise. */
export function verifiedCopy(body: string, signature: string | undefined, secret: string, now: number): SessionCopy {
  const expected = Buffer.from(signCopy(body, secret));
  const presented = Buffer.from(signature ?? '');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
    throw new CopyRefusedError('The copy is not signed with the replication secret');
  let copy: SessionCopy;
  try {
    copy = JSON.parse(body) as SessionCopy;
  } catch {
    throw new CopyRefusedError('The copy is not JSON');
  }
  if (typeof copy?.sentAt !== 'number' || Math.abs(now - copy.sentAt) > MAX_COPY_AGE_MS)
    throw new CopyRefusedError('The copy is too old');
  if (copy.op === 'save' && isStoredSession(copy.session)) return copy;
  if (copy.op === 'delete' && typeof copy.idHash === 'string') return copy;
  throw new CopyRefusedError('The copy is malformed');
}

/**
 * Session clustering: sessions in this replica's memory, every write and delete copied to every
 * peer before the request is answered (so a failover right after a login finds the session).
 * Uses are not copied (that would be a copy per request): a peer measures the idle lifetime from
 * the last copy it received.
 */
export class ReplicatedSessionStore implements SessionStore {
  readonly kind = 'replicated';

  constructor(
    private readonly local: MemorySessionStore,
    private readonly peers: readonly string[],
    private readonly secret: string,
    private readonly options: { now: () => number; logger: Logger; onCopy: (outcome: 'ok' | 'failed') => void },
  ) {}

  async save(session: StoredSession): Promise<void> {
    await this.local.save(session);
    await this.copyToPeers({ op: 'save', sentAt: this.options.now(), session });
  }

  findLive(idHash: string, now: number): Promise<StoredSession | undefined> {
    return this.local.findLive(idHash, now);
  }

  async delete(idHash: string): Promise<void> {
    await this.local.delete(idHash);
    await this.copyToPeers({ op: 'delete', sentAt: this.options.now(), idHash });
  }

  /** A peer's copy, verified by the replication listener. */
  async apply(copy: SessionCopy): Promise<void> {
    if (copy.op === 'save') await this.local.save(copy.session);
    else await this.local.delete(copy.idHash);
  }

  private async copyToPeers(copy: SessionCopy): Promise<void> {
    const body = JSON.stringify(copy);
    const signature = signCopy(body, this.secret);
    await Promise.all(
      this.peers.map(async (peer) => {
        try {
          const response = await fetch(`${peer}/session-copies`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', [COPY_SIGNATURE_HEADER]: signature },
            body,
            signal: AbortSignal.timeout(COPY_TIMEOUT_MS),
          });
          if (!response.ok) throw new Error(`answered ${response.status}`);
          this.options.onCopy('ok');
        } catch (error) {
          // A peer that is down misses the copy: it comes back without these sessions, as real clustering does.
          this.options.onCopy('failed');
          this.options.logger.warn({ peer, err: (error as Error).message }, 'session copy not delivered');
        }
      }),
    );
  }
}
