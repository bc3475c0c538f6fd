import type { Store, TokenRole } from '../engine/store.js';
import { hashToken, type Principal, roleAtLeast } from './auth.js';
import type { ServerConfig } from './deps.js';
import type { Logger } from './logger.js';
import { HttpProblem } from './problem.js';
import { RateLimiter } from './rate-limit.js';

/** How long a looked-up token is trusted without asking the store again. */
const TOKEN_CACHE_MS = 10_000;

/**
 * Turns tokens into principals, with the brute-force guard: a client address that presents too many
 * bad tokens gets 429 for the rest of the window, even with a good token.
 */
export class Authenticator {
  private readonly failures: RateLimiter | undefined;
  private readonly requests: RateLimiter | undefined;
  // Known tokens are remembered briefly: a polling CI job should not cost a store query per request.
  private readonly known = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly store: Store,
    config: ServerConfig,
    private readonly logger: Logger,
  ) {
    this.failures =
      config.authFailuresPer10Min > 0 ? new RateLimiter(config.authFailuresPer10Min, 600_000) : undefined;
    this.requests =
      config.requestsPerMinute > 0 ? new RateLimiter(config.requestsPerMinute, 60_000) : undefined;
  }

  /** Refuse a client address that failed authentication too often (429 with Retry-After). */
  guard(ip: string): void {
    const state = this.failures?.blocked(ip);
    if (state?.blocked) {
      throw new HttpProblem(
        429,
        `too many failed authentications from this address; retry in ${state.retryAfterS}s`,
        undefined,
        { 'Retry-After': String(state.retryAfterS) },
      );
    }
  }

  /** The principal of a token; 401 when there is none or it is unknown (counted against the address). */
  async verify(token: string | undefined, ip: string): Promise<Principal> {
    this.guard(ip);
    if (!token) {
      throw new HttpProblem(
        401,
        'no token: send `Authorization: Bearer <token>` (create one with `gonogo token create`)',
        undefined,
        {
          'WWW-Authenticate': 'Bearer realm="gonogo"',
        },
      );
    }
    const hash = hashToken(token);
    const cached = this.known.get(hash);
    if (cached && cached.until > Date.now()) return cached.principal;
    const principal = await this.store.findToken(hash);
    if (principal) {
      if (this.known.size >= 1000) this.known.clear();
      this.known.set(hash, { principal, until: Date.now() + TOKEN_CACHE_MS });
    }
    if (!principal) {
      this.failures?.hit(ip);
      this.logger.warn('authentication failed', { ip });
      this.guard(ip);
      throw new HttpProblem(401, 'unknown or revoked token', undefined, {
        'WWW-Authenticate': 'Bearer realm="gonogo", error="invalid_token"',
      });
    }
    return principal;
  }

  /** Count a request of an authenticated principal against its per-minute limit (429 when over). */
  limit(principal: Principal): void {
    const r = this.requests?.hit(`token:${principal.id}`);
    if (r && !r.ok) {
      throw new HttpProblem(429, `rate limit of this token reached; retry in ${r.retryAfterS}s`, undefined, {
        'Retry-After': String(r.retryAfterS),
      });
    }
  }
}

/** 403 unless the principal's role is at least `min`. */
export function requireRole(p: Principal, min: TokenRole, action: string): void {
  if (!roleAtLeast(p.role, min)) {
    throw new HttpProblem(403, `token "${p.name}" has role ${p.role}; ${action} needs ${min} or higher`);
  }
}
