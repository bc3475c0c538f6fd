import type { Selectable } from 'kysely';
import { canonicalJson } from '../model/audit.js';
import type { AttestationsTable, RunsTable, SignoffsTable, WaiversTable } from './schema.js';

/**
 * The data of the audit event that records a state row, rebuilt from the row the way the write path
 * builds it (state-store.ts, runs-store.ts): in canonical key order, as gonogo stores event data, and in
 * the order versions before it stored. Each is returned only when its JSON text is the event's stored
 * text, which makes it equal, as JSON, to the event's data: verify then compares the row with its event
 * without parsing the event. Undefined otherwise (an older or edited event, a changed row): the caller
 * parses the event's data. Either way the row is judged by the same comparison (state-binding.ts).
 */

type Data = Record<string, unknown>;
type Of<T> = Selectable<T>;

const same = (data: Data, text: string) => JSON.stringify(data) === text;

/** `item.attested`: `{item, evidence, value?, file?, expiresAt?}`. */
export function attestationData(r: Of<AttestationsTable>, text: string): Data | undefined {
  const file =
    r.file_name !== null && r.file_sha256 !== null ? { name: r.file_name, sha256: r.file_sha256 } : undefined;
  const canonical: Data = { evidence: r.evidence };
  if (r.expires_at !== null) canonical.expiresAt = r.expires_at;
  if (file) canonical.file = file;
  canonical.item = r.item;
  if (r.value !== null) canonical.value = r.value;
  if (same(canonical, text)) return canonical;
  const earlier: Data = {
    item: r.item,
    evidence: r.evidence,
    ...(r.value !== null ? { value: r.value } : {}),
    ...(file ? { file } : {}),
    ...(r.expires_at !== null ? { expiresAt: r.expires_at } : {}),
  };
  return same(earlier, text) ? earlier : undefined;
}

/** `waiver.granted`: `{item, reason, owner, expiresAt}`. */
export function waiverData(r: Of<WaiversTable>, text: string): Data | undefined {
  const canonical: Data = { expiresAt: r.expires_at, item: r.item, owner: r.owner, reason: r.reason };
  if (same(canonical, text)) return canonical;
  const earlier: Data = { item: r.item, reason: r.reason, owner: r.owner, expiresAt: r.expires_at };
  return same(earlier, text) ? earlier : undefined;
}

/** `signoff.given`: `{role, digest, person?, evidence?}`. */
export function signoffData(r: Of<SignoffsTable>, text: string): Data | undefined {
  const canonical: Data = { digest: r.digest };
  if (r.evidence !== null) canonical.evidence = r.evidence;
  if (r.person !== null) canonical.person = r.person;
  canonical.role = r.role;
  if (same(canonical, text)) return canonical;
  const earlier: Data = {
    role: r.role,
    digest: r.digest,
    ...(r.person !== null ? { person: r.person } : {}),
    ...(r.evidence !== null ? { evidence: r.evidence } : {}),
  };
  return same(earlier, text) ? earlier : undefined;
}

/**
 * `run.completed`: `{run, digest, verdict, summary, trigger, startedAt, outcomes}`, with the summary as
 * the row holds it (parsed) and `outcomes` the digest of the row's outcomes.
 */
export function runData(
  r: Of<RunsTable>,
  summary: unknown,
  outcomes: string,
  text: string,
): Data | undefined {
  const data: Data = {
    run: Number(r.id),
    digest: r.digest,
    verdict: r.verdict,
    summary,
    trigger: r.trigger,
    startedAt: r.started_at,
    outcomes,
  };
  return canonicalJson(data) === text || same(data, text) ? data : undefined;
}
