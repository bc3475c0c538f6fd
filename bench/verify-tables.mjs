// The bound tables' columns as `audit verify` reads them (src/store/verify-rows.ts), for the read ceilings
// (bench/verify-ceiling.mjs, verify-ceiling-pg.mjs).
export const TABLES = {
  attestations:
    'id, seq, checklist, environment, item, evidence, value, file_name, file_sha256, by, at, expires_at',
  waivers: 'id, seq, checklist, environment, item, reason, owner, by, at, expires_at',
  signoffs: 'id, seq, checklist, environment, role, digest, by, at, person, evidence',
  runs: 'id, seq, checklist, environment, digest, started_at, finished_at, verdict, summary, trigger',
};
