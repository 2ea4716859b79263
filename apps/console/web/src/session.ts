import { refreshLeadSeconds } from './time';
import { singleFlight } from './single-flight';

/** What POST /auth/login and POST /auth/refresh answer. */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  refresh_expires_in?: number;
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  /** Access-token lifetime in seconds, from expires_in. */
  expiresIn: number;
  /** When this page received the pair (its own clock), so the countdown does not depend on clock skew. */
  receivedAt: number;
}

export function isTokenResponse(body: unknown): body is TokenResponse {
  const value = body as Partial<TokenResponse> | null;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof value.access_token === 'string' &&
    typeof value.refresh_token === 'string' &&
    typeof value.expires_in === 'number'
  );
}

export type RefreshOutcome =
  | { ok: true; tokens: Tokens }
  | { ok: false; status: number | null; reason: string; body: unknown };

/** POSTs the refresh token; the page passes its logged `request`, tests a fake. */
export type RefreshCall = (refreshToken: string) => Promise<{ status: number | null; body: unknown; note: string }>;

/**
 * The tokens of one login, in memory only (never localStorage, sessionStorage or cookies: a reload
 * logs out). Refresh is single-flight: a click, the timer before expiry and an API call that finds
 * the token about to expire all share one POST /auth/refresh, so a refresh token is used once.
 */
export class TokenSession {
  tokens: Tokens | undefined;
  /** The refresh token the last rotation replaced: the one "Replay" sends back. */
  previousRefreshToken: string | undefined;
  /** Set once the auth service refused this login's refresh token (rotated away, revoked, expired). */
  refreshRefused = false;
  /** How many POST /auth/refresh this session sent (the single-flight guarantee, visible). */
  refreshCount = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private autoFlag = false;
  private readonly flight: { run: () => Promise<RefreshOutcome>; readonly inFlight: boolean };

  constructor(
    private readonly call: RefreshCall,
    private readonly now: () => number = Date.now,
    private readonly onChange: (
      reason: 'login' | 'refresh' | 'refresh-failed' | 'logout',
      auto: boolean,
    ) => void = () => undefined,
  ) {
    this.flight = singleFlight(() => this.rotate());
  }

  get loggedIn(): boolean {
    return this.tokens !== undefined;
  }

  /** Seconds until the access token expires, by this page's clock. */
  secondsLeft(): number {
    if (!this.tokens) return 0;
    return this.tokens.receivedAt / 1000 + this.tokens.expiresIn - this.now() / 1000;
  }

  start(response: TokenResponse): void {
    this.tokens = this.toTokens(response);
    this.previousRefreshToken = undefined;
    this.refreshRefused = false;
    this.schedule();
    this.onChange('login', false);
  }

  /** Every trigger goes through here; concurrent triggers share one request. */
  refresh(auto = false): Promise<RefreshOutcome> {
    this.autoFlag ||= auto;
    return this.flight.run();
  }

  get refreshing(): boolean {
    return this.flight.inFlight;
  }

  /** Before an API call: refresh first when the token is about to expire (within 5 s). */
  async ensureFresh(): Promise<void> {
    if (this.tokens && !this.refreshRefused && this.secondsLeft() < 5) await this.refresh(true);
  }

  end(): void {
    this.tokens = undefined;
    this.previousRefreshToken = undefined;
    this.refreshRefused = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.onChange('logout', false);
  }

  private async rotate(): Promise<RefreshOutcome> {
    const auto = this.autoFlag;
    this.autoFlag = false;
    const tokens = this.tokens;
    if (!tokens)
      return { ok: false, status: null, reason: 'Not logged in: there is no refresh token', body: undefined };
    this.refreshCount += 1;
    const reply = await this.call(tokens.refreshToken);
    if (this.tokens !== tokens) return { ok: false, status: null, reason: 'Logged out meanwhile', body: undefined };
    if (reply.status === 200 && isTokenResponse(reply.body)) {
      this.previousRefreshToken = tokens.refreshToken;
      this.tokens = this.toTokens(reply.body);
      this.schedule();
      this.onChange('refresh', auto);
      return { ok: true, tokens: this.tokens };
    }
    if (this.timer) clearTimeout(this.timer);
    if (reply.status === 401 || reply.status === 400) this.refreshRefused = true;
    // The system was unreachable: try again in a few seconds while the access token lasts.
    else if (this.secondsLeft() > 0) this.timer = setTimeout(() => void this.refresh(true), 5000);
    this.onChange('refresh-failed', auto);
    return { ok: false, status: reply.status, reason: reply.note || `HTTP ${reply.status}`, body: reply.body };
  }

  private toTokens(response: TokenResponse): Tokens {
    return {
      accessToken: response.access_token,
      refreshToken: response.refresh_token,
      expiresIn: response.expires_in,
      receivedAt: this.now(),
    };
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    if (!this.tokens) return;
    const delayMs = Math.max(0, (this.secondsLeft() - refreshLeadSeconds(this.tokens.expiresIn)) * 1000);
    this.timer = setTimeout(() => void this.refresh(true), delayMs);
  }
}
