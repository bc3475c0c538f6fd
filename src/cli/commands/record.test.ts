import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test-support/cli.js';
import { blockTempDir } from '../../test-support/temp-dir.js';

/**
 * `gonogo record` / `record verify` end to end: keys made by the real openssl, a checklist with secrets
 * planted where they could leak (a process-environment token an env check reads, a URL password in an
 * environment value, an sk_live_ key a command prints, a password in attestation evidence), brought to
 * GO, recorded, then verified offline with the public key alone and tampered with.
 */

const API_TOKEN = 'tok_planted_7c1f9a3e5b2d4c6a8e0f';
const URL_PASSWORD = 'UrlPassw0rdPlanted';
const SK_LIVE = 'sk_live_4eC39HqLyjWDarjtT1zdp7dcPlant';
const EVIDENCE_SECRET = 'AttestPassPlanted99';
const SECRETS = [API_TOKEN, URL_PASSWORD, SK_LIVE, EVIDENCE_SECRET];

const CHECKLIST = `---
id: launch
name: Payments launch
environments:
  production:
    DB_URL: "postgres://deploy:${URL_PASSWORD}@db.example.com/app"
policy:
  signoffs: [security]
---
# Payments launch
## Ops
- [ ] API token present
  \`\`\`check
  env: API_TOKEN
  \`\`\`
- [ ] Deploy key printed
  \`\`\`check
  command: echo "key ${SK_LIVE} db \${DB_URL}"
  \`\`\`
- [ ] Backups restored in a drill
## Sign-Off
- [ ] Security Lead: ____
`;

const dir = blockTempDir('gonogo-record-');
const at = (name: string) => join(dir, name);
const env = { GONOGO_USER: 'ana', GONOGO_NOW: '2026-11-20T10:00:00Z', API_TOKEN };
const gonogo = (args: string[]) => runCli([...args, '--db', at('gonogo.db')], { cwd: dir, env });
const verify = (record: string, pub: string) =>
  runCli(['record', 'verify', record, '--pub', pub], { cwd: dir });
const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** The record with its payload decoded: secrets must not hide in base64 either. */
const decoded = (file: string) => {
  const text = readFileSync(at(file), 'utf8');
  const envelope = JSON.parse(text) as { payloadType: string; payload: string; signatures: unknown[] };
  return { text, envelope, payload: Buffer.from(envelope.payload, 'base64').toString('utf8') };
};

beforeAll(async () => {
  writeFileSync(at('launch.md'), CHECKLIST);
  for (const name of ['k', 'other']) {
    openssl(['genpkey', '-algorithm', 'ed25519', '-out', `${name}.pem`]);
    openssl(['pkey', '-in', `${name}.pem`, '-pubout', '-out', `${name}.pub`]);
  }
  expect((await gonogo(['run', 'launch.md', '--env', 'production'])).code).toBe(1);
  const attest = await gonogo([
    'attest',
    'launch.md',
    'ops/backups-restored-in-a-drill',
    '--evidence',
    `restored from postgres://ops:${EVIDENCE_SECRET}@backup/db`,
    '--env',
    'production',
  ]);
  expect(attest.code).toBe(0);
  expect((await gonogo(['signoff', 'launch.md', '--role', 'security', '--by', 'sam'])).code).toBe(0);
  expect((await gonogo(['status', 'launch.md', '--env', 'production'])).code).toBe(0);
}, 60_000);

describe('gonogo record', () => {
  it('writes an in-toto statement in a DSSE envelope that verifies offline with the public key alone', async () => {
    const r = await gonogo([
      'record',
      'launch.md',
      '--env',
      'production',
      '--key',
      'k.pem',
      '--out',
      'r.json',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/signed launch record of launch \(production\): GO, audit head event \d+/);
    const { envelope, payload } = decoded('r.json');
    expect(envelope.payloadType).toBe('application/vnd.in-toto+json');
    const statement = JSON.parse(payload);
    expect(statement).toMatchObject({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'launch', digest: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } }],
      predicateType: 'https://gonogo.dev/launch-record/v1',
      predicate: {
        checklist: { id: 'launch', name: 'Payments launch' },
        environment: 'production',
        verdict: 'GO',
        at: '2026-11-20T10:00:00.000Z',
        audit: { seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
        signoffs: [expect.objectContaining({ role: 'security', person: 'sam', current_evidence: true })],
        attestations: [
          expect.objectContaining({
            item: 'ops/backups-restored-in-a-drill',
            evidence_sha256: expect.any(String),
          }),
        ],
      },
    });
    expect(statement.predicate.items.map((i: { status: string }) => i.status)).toEqual([
      'pass',
      'pass',
      'pass',
      'pass',
    ]);
    const head = await gonogo(['audit', 'verify', '--format', 'json']);
    expect(statement.predicate.audit).toEqual(JSON.parse(head.stdout).head);

    // Offline: no --db, in a directory without a store.
    const v = await runCli(['record', 'verify', at('r.json'), '--pub', at('k.pub')], { cwd: tmpdir() });
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('launch record verified: launch (production) GO at 2026-11-20T10:00:00.000Z');
  });

  it('holds none of the planted secrets, in the file or in its decoded payload', async () => {
    const { text, payload } = decoded('r.json');
    for (const secret of SECRETS) {
      expect(text).not.toContain(secret);
      expect(payload).not.toContain(secret);
    }
  });

  it('exits 1 when one byte of the payload changed, or with another key', async () => {
    const { envelope, payload } = decoded('r.json');
    const changed = payload.replace('"verdict":"GO"', '"verdict":"GP"');
    expect(changed).not.toBe(payload);
    writeFileSync(
      at('tampered.json'),
      JSON.stringify({ ...envelope, payload: Buffer.from(changed).toString('base64') }),
    );
    const tampered = await verify('tampered.json', 'k.pub');
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain('does NOT verify: the signature does not verify with this public key');

    const other = await verify('r.json', 'other.pub');
    expect(other.code).toBe(1);
  });

  it.each([
    ['a record that is not JSON', 'garbage.json', 'k.pub', 'not a launch record'],
    ['a missing record', 'nope.json', 'k.pub', 'record nope.json: no such file'],
    ['a public key that is not PEM', 'r.json', 'launch.md', '--pub: not a PEM public key'],
  ])('exits 2 on %s', async (_what, record, pub, message) => {
    writeFileSync(at('garbage.json'), '{"payload": 1');
    const r = await verify(record, pub);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('refuses a key that is not Ed25519 with exit 2', async () => {
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ec.pem']);
    const r = await gonogo(['record', 'launch.md', '--key', 'ec.pem']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--key: a ec key; gonogo signs with Ed25519');
  });
});
