/** Records people create about a checklist: attestations, waivers, sign-offs. Times are ISO-8601 strings. */

/** A person's statement that a manual item holds. */
export interface Attestation {
  checklist: string;
  environment: string;
  item: string;
  evidence: string;
  /** For `field` items: the value filled in (e.g. `RTO: 4h`). */
  value?: string;
  /** Evidence file name and SHA-256, when `--file` was given. */
  file?: { name: string; sha256: string };
  by: string;
  at: string;
  /** After this instant the item is pending again. */
  expiresAt?: string;
}

/** An accepted exception for one item, until `expiresAt`. */
export interface Waiver {
  checklist: string;
  environment: string;
  item: string;
  reason: string;
  owner: string;
  by: string;
  at: string;
  expiresAt: string;
}

/** An approver role's approval of one checklist digest for one environment. */
export interface Signoff {
  checklist: string;
  environment: string;
  role: string;
  digest: string;
  by: string;
  at: string;
  /** The person who signed (a token's `person`, or `by`); absent on sign-offs recorded before 0.2. */
  person?: string;
  /** The evidence digest when signing (`sha256:…`, see model/evidence.ts). */
  evidence?: string;
}

/** What a check (or window) concluded for one item, before attestations/waivers are applied. */
export interface CheckOutcome {
  item: string;
  status: 'pass' | 'fail' | 'error' | 'pending';
  /** "status == 200 — got 503", "connect ECONNREFUSED 127.0.0.1:5432", "window 3h/24h". */
  message?: string;
  /** Observed values, secrets already redacted. */
  observed?: Record<string, unknown>;
  durationMs?: number;
  /** When the observation was made. */
  at?: string;
}
