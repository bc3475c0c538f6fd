import { ConfigError } from '../model/errors.js';

/** Why a use case refused. `field` names the input at fault (a flag or a JSON body field), when one is. */
export type ActionErrorCode =
  | 'unknown-environment'
  | 'unknown-item'
  | 'unknown-role'
  | 'has-check'
  | 'is-signoff'
  | 'needs-value'
  | 'missing'
  | 'bad-duration'
  | 'bad-expiry'
  | 'expiry-past'
  | 'waiver-too-long'
  | 'bad-token-role'
  | 'unknown-token'
  | 'token-revoked'
  | 'token-expired'
  | 'signoff-not-ready'
  | 'same-signer'
  | 'role-too-low'
  | 'signoff-role-not-held'
  | 'bad-key'
  | 'bad-record'
  | 'broken-audit';

/**
 * A refused use case: a ConfigError (so the CLI exits 2) with a machine-readable code that the server
 * maps to an HTTP status. The message is the same words whichever door the request came through.
 */
export class ActionError extends ConfigError {
  constructor(
    readonly code: ActionErrorCode,
    message: string,
    field?: string,
  ) {
    super(message, field);
  }

  /** Unknown ids are "not found" (HTTP 404). */
  get notFound(): boolean {
    return NOT_FOUND.has(this.code);
  }

  /** A permission refusal: the actor may not do this (HTTP 403). */
  get forbidden(): boolean {
    return FORBIDDEN.has(this.code);
  }

  /** A refused credential: the token is unknown, revoked or expired (HTTP 401). */
  get unauthenticated(): boolean {
    return UNAUTHENTICATED.has(this.code);
  }

  /**
   * The HTTP status of the refusal: 401 bad token, 404 unknown id, 403 not permitted, 409 not now
   * (the checklist's state forbids it), else 400 bad input.
   */
  get status(): 400 | 401 | 403 | 404 | 409 {
    if (this.unauthenticated) return 401;
    if (this.notFound) return 404;
    if (this.forbidden) return 403;
    return CONFLICT.has(this.code) ? 409 : 400;
  }
}

const NOT_FOUND: ReadonlySet<ActionErrorCode> = new Set(['unknown-environment', 'unknown-item']);
const FORBIDDEN: ReadonlySet<ActionErrorCode> = new Set([
  'role-too-low',
  'signoff-role-not-held',
  'same-signer',
]);
const UNAUTHENTICATED: ReadonlySet<ActionErrorCode> = new Set([
  'unknown-token',
  'token-revoked',
  'token-expired',
]);
const CONFLICT: ReadonlySet<ActionErrorCode> = new Set(['signoff-not-ready']);
