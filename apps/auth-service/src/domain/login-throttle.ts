import { createHash } from 'node:crypto';
import type { LoginThrottleRepository } from '../data-access/login-throttle-repository';
import { InvalidCredentialsError, TooManyAttemptsError } from './auth-errors';

export interface LoginThrottlePolicy {
  windowSeconds: number;
  accountAttempts: number;
  clientAttempts: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
}

/** Who is trying: the username typed and the client's address as the gateway saw it. */
export interface LoginAttempt {
  username: string;
  client: string;
}

/** The block after the n-th failure: none within the allowance, then base, 2 x base, 4 x base, ... capped. */
export function backoffSeconds(failures: number, allowance: number, baseSeconds: number, maxSeconds: number): number {
  const over = failures - allowance;
  if (over <= 0) return 0;
  return Math.min(maxSeconds, baseSeconds * 2 ** Math.min(over - 1, 30));
}

/**
 * Slows password guessing per account and per client, across every auth replica (the counters
 * live in PostgreSQL). Nobody can be locked out for good: a block never exceeds maxDelaySeconds,
 * counts are forgotten after a quiet window, and a successful login clears the account's count.
 * The client's count is not cleared by a success, so an attacker cannot reset it by logging in
 * to an account of their own between guesses. While blocked, even the right password gets 429:
 * otherwise the block would not slow guessing at all.
 */
export class LoginThrottle {
  constructor(
    private readonly counters: LoginThrottleRepository,
    private readonly policy: LoginThrottlePolicy,
  ) {}

  async guard<T>(attempt: LoginAttempt, authenticate: () => Promise<T>): Promise<T> {
    const account = accountKey(attempt.username);
    const client = `client:${attempt.client}`;
    const retryAfter = await this.counters.secondsBlocked([account, client]);
    if (retryAfter > 0) throw new TooManyAttemptsError(retryAfter);
    try {
      const result = await authenticate();
      await this.counters.reset(account);
      return result;
    } catch (error) {
      if (error instanceof InvalidCredentialsError) {
        await this.countFailure(account, this.policy.accountAttempts);
        await this.countFailure(client, this.policy.clientAttempts);
      }
      throw error;
    }
  }

  /** Removes counters that can no longer block anyone; run periodically. */
  prune(): Promise<number> {
    return this.counters.prune(this.policy.windowSeconds);
  }

  private async countFailure(key: string, allowance: number): Promise<void> {
    const failures = await this.counters.countFailure(key, this.policy.windowSeconds);
    const block = backoffSeconds(failures, allowance, this.policy.baseDelaySeconds, this.policy.maxDelaySeconds);
    if (block > 0) await this.counters.blockFor(key, block);
  }
}

/** Hashed: people type passwords into the username field, and those must not be stored. */
function accountKey(username: string): string {
  return `account:${createHash('sha256').update(username).digest('base64url')}`;
}
