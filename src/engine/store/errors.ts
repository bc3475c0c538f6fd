import { ConfigError } from '../../model/errors.js';

/**
 * The store cannot be reached or lost its connection mid-request (PostgreSQL restarted, a backend
 * terminated). Transient: nothing was acknowledged, the caller may retry; the server answers 503.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/**
 * A value the store refuses to keep (a NUL character in text, a time that is not ISO): bad input
 * naming the field, so the CLI exits 2 and the server answers 400, whatever the backend.
 */
export class StoreInputError extends ConfigError {}
