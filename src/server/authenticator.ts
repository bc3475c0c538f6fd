import type { Store, TokenRole } from '../engine/store.js';
import { type StateSignal, tokenRefusal } from '../usecases/index.js';
import { hashToken, type Principal, roleAtLeast } from './auth.js';
import type { ServerConfig } from './deps.js';
import type { Logger } from './logger.js';
import { HttpProblem } from './problem.js';
import { RateLimiter } from './rate-limit.js';

/**
 * How long a looked-up token is trusted without asking the store again. A revocation through this
 * server (its StateSignal) clears the cache at once; one made by another process (`gonogo token revoke`,
 * another replica) reaches the API and dashboard sessions within this second (a login always asks the
 * store). A busy CI fleet polling with one token, or 200 dashboards of one team, cost one token query a
 * second.
 */
const TOKEN_CACHE_MS = 1_000;
/** Last use is noted at most this often per token (a hint for `token list`, not a log). */
const TOUCH_EVERY_MS = 60_000;

const unauthorized = (detail: string) =>
  new HttpProblem(401, detail, undefined, {
    'WWW-Authenticate': 'Bearer realm="gonogo", error="invalid_token"',
  });

const tooMany = (detail: string, retryAfterS: number) =>
  new HttpProblem(429, `${detail}; retry in ${retryAfterS}s`, undefined, {
    'Retry-After': String(retryAfterS),
  });

/**
 * Turns tokens into principals, with the limits that keep a client from hammering the server: every
 * request counts against its client address until it turns out authenticated (then against its token),
 * and an address that presents too many bad tokens gets 429 for the rest of the window, even with a
 * good token.
 */
export class Authenticator {
  private readonly failures: RateLimiter | undefined;
  private readonly requests: RateLimiter | undefined;
  // Known tokens are remembered briefly: a polling CI job should not cost a store query per request.
  private readonly known = new Map<string, { principal: Principal; until: number }>();
  // Concurrent requests with the same token share one store lookup (and one counted attempt).
  private readonly lookups = new Map<string, Promise<Principal | undefined>>();
  private readonly touched = new Map<number, number>();

  constructor(
    private readonly store: Store,
    config: ServerConfig,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
    changes?: StateSignal,
  ) {
    // A token created or revoked here must not be answered from the cache.
    changes?.subscribe((change) => {
      if (change.type === 'token.revoked' || change.type === 'token.created') this.known.clear();
    });
    this.failures =
      config.authFailuresPer10Min > 0 ? new RateLimiter(config.authFailuresPer10Min, 600_000) : undefined;
    this.requests =
      config.requestsPerMinute > 0 ? new RateLimiter(config.requestsPerMinute, 60_000) : undefined;
  }

  /**
   * Count a request against its client address before anything else runs (429 when over); call the
   * returned function when the request turned out authenticated, so a team behind one NAT address is
   * limited per token, not per address.
   */
  admit(ip: string): () => void {
    const key = `ip:${ip}`;
    const r = this.requests?.hit(key);
    if (r && !r.ok) throw tooMany('too many requests from this address', r.retryAfterS);
    return () => this.requests?.release(key);
  }

  /** Refuse a client address that failed authentication too often (429 with Retry-After). */
  guard(ip: string): void {
    const state = this.failures?.blocked(ip);
    if (state?.blocked) throw tooMany('too many failed authentications from this address', state.retryAfterS);
  }

  /**
   * The principal of a token; 401 when there is none or it is unknown (counted against the address).
   * Runner tokens work on the runner API only (`scope: 'runner'`), and only they do there: 403 otherwise.
   * A token looked up less than TOKEN_CACHE_MS ago is answered at once (no promise: the API's
   * middleware then costs no turn of the microtask queue); anything else asks the store.
   */
  verify(
    token: string | undefined,
    ip: string,
    scope: 'api' | 'runner' = 'api',
  ): Principal | Promise<Principal> {
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
    const known = this.#known(hash);
    if (known) return this.usable(known, scope);
    return this.#verifyFound(this.#find(hash, ip), ip, scope);
  }

  async #verifyFound(
    found: Promise<Principal | undefined>,
    ip: string,
    scope: 'api' | 'runner',
  ): Promise<Principal> {
    const principal = await found;
    if (!principal) {
      this.logger.warn('authentication failed', { ip });
      this.guard(ip);
      throw unauthorized('unknown token: create one with `gonogo token create`');
    }
    return this.usable(principal, scope);
  }

  /**
   * The record of a dashboard session's token, through the same cache as bearer tokens: a revocation
   * through this server ends the session at its next request, one made by another process within
   * TOKEN_CACHE_MS; 401 when revoked, expired or gone.
   */
  async session(hash: string): Promise<Principal> {
    const principal = await this.#find(hash);
    if (!principal) throw unauthorized('the token of this session no longer exists');
    return this.usable(principal);
  }

  /**
   * The current record of a token, asked of the store (no cache): a login with a token revoked a
   * moment ago anywhere is refused, saying so; 401 when revoked, expired or gone.
   */
  async current(hash: string): Promise<Principal> {
    const principal = await this.store.findToken(hash);
    if (!principal) throw unauthorized('the token of this session no longer exists');
    return this.usable(principal);
  }

  /** The record of a token hash kept from a lookup less than TOKEN_CACHE_MS ago. */
  #known(hash: string): Principal | undefined {
    const cached = this.known.get(hash);
    return cached && cached.until > Date.now() ? cached.principal : undefined;
  }

  /**
   * The record of a token hash: kept from a lookup less than TOKEN_CACHE_MS ago, else the lookup in
   * flight for it, else a new one (counted against `ip` as a guess until it turns out good; a session's
   * token, known since its login, is no guess).
   */
  async #find(hash: string, ip?: string): Promise<Principal | undefined> {
    return this.#known(hash) ?? this.lookups.get(hash) ?? this.lookup(hash, ip);
  }

  /** The principal when its token still works now (401 naming when it stopped), noting its last use. */
  private usable(principal: Principal, scope: 'api' | 'runner' = 'api'): Principal {
    const now = this.now();
    const refused = tokenRefusal(principal, now);
    if (refused) throw unauthorized(refused.message);
    if (scope === 'api' && principal.role === 'runner') {
      throw new HttpProblem(
        403,
        `token "${principal.name}" is a runner token: it may claim and complete runner jobs, nothing else`,
      );
    }
    if (scope === 'runner' && principal.role !== 'runner') {
      throw new HttpProblem(
        403,
        `token "${principal.name}" has role ${principal.role}; the runner API takes runner tokens (gonogo token create --role runner --labels …)`,
      );
    }
    const last = this.touched.get(principal.id) ?? 0;
    if (now.getTime() - last >= TOUCH_EVERY_MS) {
      if (this.touched.size >= 1000) this.touched.clear();
      this.touched.set(principal.id, now.getTime());
      // Best effort: a failed note of last use must not fail the request.
      this.store.touchToken(principal.id, now.toISOString()).catch((err: unknown) => {
        this.logger.warn('cannot note token use', {
          error: err instanceof Error ? err.message : String(err),
        });
      });
    }
    return principal;
  }

  /**
   * Look a token up in the store. The attempt is counted as a failure before the store is asked and
   * given back when the token is good: counting after the await would let a burst of concurrent guesses
   * all pass the guard while the lookups are in flight.
   */
  private async lookup(hash: string, ip: string | undefined): Promise<Principal | undefined> {
    const attempt = ip === undefined ? undefined : this.failures?.hit(ip);
    if (attempt && !attempt.ok)
      throw tooMany('too many failed authentications from this address', attempt.retryAfterS);
    const found = this.store.findToken(hash).finally(() => this.lookups.delete(hash));
    this.lookups.set(hash, found);
    let principal: Principal | undefined;
    try {
      principal = await found;
    } catch (err) {
      // A store outage is not a bad guess: it must not lock the address out.
      if (ip !== undefined) this.failures?.release(ip);
      throw err;
    }
    if (principal) {
      if (ip !== undefined) this.failures?.release(ip);
      if (this.known.size >= 1000) this.known.clear();
      this.known.set(hash, { principal, until: Date.now() + TOKEN_CACHE_MS });
    }
    return principal;
  }

  /** Count a request of an authenticated principal against its per-minute limit (429 when over). */
  limit(principal: Principal): void {
    // Runners poll and answer at the pace of their jobs; their role allows nothing else.
    if (principal.role === 'runner') return;
    const r = this.requests?.hit(`token:${principal.id}`);
    if (r && !r.ok) throw tooMany('rate limit of this token reached', r.retryAfterS);
  }
}

/** 403 unless the principal's role is at least `min`. */
export function requireRole(p: Principal, min: TokenRole, action: string): void {
  if (!roleAtLeast(p.role, min)) {
    throw new HttpProblem(403, `token "${p.name}" has role ${p.role}; ${action} needs ${min} or higher`);
  }
}
