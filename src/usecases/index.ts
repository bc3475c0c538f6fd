/**
 * The application layer: one function per use case, shared by the CLI, the REST API and the
 * dashboard, which only translate arguments and requests and print or render results. Each use case
 * takes the context (store, clock, change signal) and an actor, enforces its rules (permission in
 * `authorize`, one place, one order), appends its audit event through the store and announces the change.
 */
export { ActionError, type ActionErrorCode } from './action-error.js';
export {
  type Actor,
  describeActor,
  holdsSignoffRole,
  personActor,
  ROLES,
  roleAtLeast,
  serviceActor,
  tokenActor,
} from './actor.js';
export { type AttestInput, attest } from './attest.js';
export type { UseCaseContext } from './context.js';
export {
  evaluateFacts,
  evaluateStored,
  loadStoredFacts,
  type StoredEvaluation,
  type StoredFacts,
} from './evaluate.js';
export {
  type LaunchRecordInput,
  makeLaunchRecord,
  PAYLOAD_TYPE,
  PREDICATE_TYPE,
  type RecordVerification,
  STATEMENT_TYPE,
  verifyLaunchRecord,
} from './launch-record.js';
export { findItem, resolveEnvironment } from './lookup.js';
export { authorize, type Permission, permits } from './permission.js';
export { recordDigest } from './record-digest.js';
export { type RunInput, runChecks } from './run.js';
export { type SignoffInput, signoff } from './signoff.js';
export { type StateChange, type StateListener, StateSignal } from './state-signal.js';
export {
  actorFromToken,
  type CreateTokenInput,
  createToken,
  hashToken,
  listTokens,
  revokeToken,
  tokenRefusal,
} from './token.js';
export { parseExpiry, type WaiveInput, waive } from './waive.js';
