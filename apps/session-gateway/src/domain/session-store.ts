import type { StoredSession } from './session';

/** Where sessions live; each store applies the idle and absolute lifetimes itself. */
export interface SessionStore {
  readonly kind: string;
  save(session: StoredSession): Promise<void>;
  /** The live session with this id hash, its last use moved to `now`; undefined when none. */
  findLive(idHash: string, now: number): Promise<StoredSession | undefined>;
  delete(idHash: string): Promise<void>;
}
