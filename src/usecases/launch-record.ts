import { createHash } from 'node:crypto';
import { environmentSecrets, redact, redactText } from '../engine/redact.js';
import type { Checklist } from '../model/checklist.js';
import { ActionError } from './action-error.js';
import type { UseCaseContext } from './context.js';
import { type Envelope, ed25519Key, keyId, parseEnvelope, signEnvelope, verifyEnvelope } from './dsse.js';
import { evaluateStored } from './evaluate.js';
import { resolveEnvironment } from './lookup.js';

/** The in-toto Statement type, the DSSE payload type and gonogo's predicate type. */
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const PREDICATE_TYPE = 'https://gonogo.dev/launch-record/v1';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Input of makeLaunchRecord(). */
export interface LaunchRecordInput {
  checklist: Checklist;
  environment?: string | undefined;
  /** The Ed25519 private key, PEM. */
  privateKeyPem: string;
  /** The process environment, whose secret values (and front matter `secrets:`) are redacted. */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * The signed launch record (DESIGN.md "A signed launch record"): an in-toto Statement about the
 * checklist, with the stored verdict, every item's status, redacted observed values, attestations (their
 * evidence as a hash), waivers, sign-offs, the audit head and the clock, in a DSSE envelope signed with
 * Ed25519. Reads state only; refuses to sign over an audit log that does not verify.
 * @example const { envelope } = await makeLaunchRecord(ctx, { checklist, environment: 'production', privateKeyPem, env: process.env })
 */
export async function makeLaunchRecord(
  ctx: UseCaseContext,
  input: LaunchRecordInput,
): Promise<{ envelope: Envelope; statement: Record<string, unknown> }> {
  const key = ed25519Key(input.privateKeyPem, 'private', 'key');
  const { checklist } = input;
  const environment = resolveEnvironment(checklist, input.environment);
  const [{ evaluation, report, latest }, state, audit] = await Promise.all([
    evaluateStored(ctx, { checklist, environment }),
    ctx.store.loadState(checklist.id, environment),
    ctx.store.verifyAudit(),
  ]);
  if (!audit.ok) {
    throw new ActionError(
      'broken-audit',
      `the audit log is broken at event ${audit.firstBad?.seq} (${audit.firstBad?.reason}); a record would sign over it: run \`gonogo audit verify\` and restore the store first`,
    );
  }
  // Environment values and process secrets, known by value; shapes (URL passwords, sk_live_ keys) by pattern.
  const known = environmentSecrets(input.env, checklist.secrets ?? []);
  const clean = (text: string) => redactText(text, known);
  const predicate = {
    checklist: { id: checklist.id, name: clean(checklist.name), digest: checklist.digest },
    environment,
    verdict: evaluation.verdict,
    at: ctx.now().toISOString(),
    evidence: evaluation.evidence,
    summary: evaluation.summary,
    run: latest ? { id: latest.id, finished_at: latest.finishedAt } : null,
    items: evaluation.items.map((item) => ({
      id: item.id,
      status: item.status,
      blocking: item.blocking,
      message: clean(item.message),
      observed: item.observed ? redact(item.observed, known) : null,
    })),
    reasons: report.reasons.map((r) => ({ code: r.code, message: clean(r.message) })),
    attestations: state.attestations.map((a) => ({
      item: a.item,
      by: a.by,
      at: a.at,
      expires_at: a.expiresAt ?? null,
      evidence_sha256: sha256(a.evidence),
      ...(a.value !== undefined ? { value_sha256: sha256(a.value) } : {}),
      ...(a.file ? { file: { name: clean(a.file.name), sha256: a.file.sha256 } } : {}),
    })),
    waivers: state.waivers.map((w) => ({
      item: w.item,
      by: w.by,
      owner: w.owner,
      at: w.at,
      expires_at: w.expiresAt,
      reason: clean(w.reason),
    })),
    signoffs: report.signoffs,
    audit: audit.head ? { seq: audit.head.seq, hash: audit.head.hash } : null,
  };
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: checklist.id, digest: { sha256: checklist.digest.replace(/^sha256:/, '') } }],
    predicateType: PREDICATE_TYPE,
    predicate,
  };
  const envelope = signEnvelope(PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement), 'utf8'), key);
  return { envelope, statement };
}

/** What `record verify` found: a valid record and what it says, or why it is not one. */
export type RecordVerification =
  | {
      ok: true;
      keyid: string;
      statement: {
        subject: { name: string; digest: { sha256: string } }[];
        predicate: {
          checklist: { id: string; name: string };
          environment: string;
          verdict: string;
          at: string;
        };
      };
    }
  | { ok: false; why: string };

/**
 * Verify a launch record offline with only the public key: the DSSE signature over the exact payload,
 * then the statement's types. Unreadable input (not an envelope, not a key) is refused (exit 2); a
 * signature that does not verify, or a payload that is not a launch record, is `ok: false` (exit 1).
 */
export function verifyLaunchRecord(recordText: string, publicKeyPem: string): RecordVerification {
  const key = ed25519Key(publicKeyPem, 'public', 'pub');
  const envelope = parseEnvelope(recordText);
  if (!envelope) {
    throw new ActionError(
      'bad-record',
      'not a launch record: expected a DSSE envelope {"payloadType","payload","signatures"} as `gonogo record` writes',
    );
  }
  if (envelope.payloadType !== PAYLOAD_TYPE)
    return { ok: false, why: `payloadType is ${envelope.payloadType}, not ${PAYLOAD_TYPE}` };
  if (!verifyEnvelope(envelope, key))
    return {
      ok: false,
      why: 'the signature does not verify with this public key: the record was changed, or signed with another key',
    };
  let statement: Record<string, unknown>;
  try {
    statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    return { ok: false, why: 'the signed payload is not JSON' };
  }
  if (statement._type !== STATEMENT_TYPE || statement.predicateType !== PREDICATE_TYPE)
    return { ok: false, why: `the signed payload is not a ${PREDICATE_TYPE} statement` };
  return {
    ok: true,
    keyid: keyId(key),
    statement: statement as Extract<RecordVerification, { ok: true }>['statement'],
  };
}
