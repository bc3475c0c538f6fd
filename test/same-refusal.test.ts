import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store, TokenRole } from '../src/engine/store.js';
import { hashToken, silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { runCli } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * One refusal, three doors: the CLI (`signoff --token`), the REST API (bearer token) and the dashboard
 * (form post in a logged-in session) refuse the same sign-off with the same words, because all three
 * call the same use case. Statuses: a permission the actor lacks is 403 (exit 2 at the CLI); a role
 * the checklist does not require is bad input, 400 (exit 2), naming the roles that are required.
 */

const CHECKLIST = `---
id: launch
environments:
  production: {}
policy:
  signoffs: [engineering, security]
---
# Launch
## Ops
- [ ] Backups tested
`;

/** Sign-off policy (DESIGN.md "Sign-off policy"): refused the same way at every door. */
const GATED = `---
id: gated
environments:
  production: {}
policy:
  signoffs: [engineering, security]
  signoff_when: ready
---
# Gated
## Ops
- [ ] Backups tested
`;
const DISTINCT = `---
id: distinct
environments:
  production: {}
policy:
  signoffs: [engineering, security]
  distinct_signers: true
---
# Distinct
## Ops
- [x] Backups tested
`;

const CASES = [
  {
    what: 'a sign-off role the token does not hold',
    token: 'sec-approver',
    role: 'engineering',
    http: 403,
    message: 'token "sec-approver" may not sign off as engineering (its sign-off roles: security)',
  },
  {
    what: 'a role the checklist does not require',
    token: 'sec-approver',
    role: 'product',
    http: 400,
    message: 'role "product" does not sign off checklist launch; its sign-off roles: engineering, security',
  },
  {
    what: 'a token role too low to sign off',
    token: 'operator',
    role: 'security',
    http: 403,
    message: 'token "operator" has role operator; signing off needs approver or higher',
  },
  {
    what: 'policy.signoff_when: ready while an item blocks GO',
    checklist: 'gated',
    token: 'sec-approver',
    role: 'security',
    http: 409,
    message:
      'gated (production) is not ready for sign-off: 1 item blocks GO besides sign-offs (ops/backups-tested); policy.signoff_when: ready takes sign-offs once only sign-offs remain',
  },
  {
    what: 'policy.distinct_signers: one person signing a second role',
    checklist: 'distinct',
    token: 'pat',
    role: 'security',
    http: 403,
    message:
      'Pat already signed off as engineering; policy.distinct_signers needs another person for security',
  },
] as { what: string; checklist?: string; token: string; role: string; http: number; message: string }[];

const TOKENS: [string, TokenRole, string[], string?][] = [
  ['sec-approver', 'approver', ['security']],
  ['operator', 'operator', []],
  ['pat', 'approver', ['engineering', 'security'], 'Pat'],
];

/** The text of an HTML page, entities decoded, so it compares with the plain message. */
const text = (html: string) =>
  html
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

describe('the same sign-off is refused with the same words by the CLI, the API and the dashboard', () => {
  const dir = blockTempDir('gonogo-same-refusal-');
  let db: string;
  let store: Store;
  let server: RunningServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    db = join(dir, 'gonogo.db');
    await writeFile(join(dir, 'launch.md'), CHECKLIST);
    await writeFile(join(dir, 'gated.md'), GATED);
    await writeFile(join(dir, 'distinct.md'), DISTINCT);
    store = await openStore(db);
    for (const [name, role, signoffRoles, person] of TOKENS) {
      tokens[name] = `gng_test_${name}_${Math.random().toString(36).slice(2)}`;
      await store.createToken(
        { name, role, signoffRoles, hash: hashToken(tokens[name]!), ...(person ? { person } : {}) },
        'test',
      );
    }
    server = await startServer(
      { checklists: dir, host: '127.0.0.1', port: 0, logger: silentLogger },
      {
        io: { stdout: process.stdout, stderr: process.stderr, isTTY: false, env: {}, cwd: dir },
        openStore: async () => store,
        registry: loadRegistry,
        now: () => new Date(),
      },
    );
  });

  afterAll(async () => {
    await server?.close();
  });

  const viaCli = async (token: string, role: string, id = 'launch') => {
    const r = await runCli(
      ['signoff', `${id}.md`, '--role', role, '--token', token, '--env', 'production', '--db', db],
      { cwd: dir },
    );
    expect(r.stderr).not.toContain(token);
    return { code: r.code, message: r.stderr.replace(/^gonogo: /, '').trimEnd() };
  };

  const viaApi = async (token: string, role: string, id = 'launch') => {
    const res = await fetch(`${server.url}/api/v1/checklists/${id}/signoffs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ env: 'production', role }),
    });
    const problem = (await res.json()) as { detail: string };
    return { status: res.status, message: problem.detail };
  };

  const viaDashboard = async (token: string, role: string, id = 'launch') => {
    const login = await fetch(`${server.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(login.status).toBe(303);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const page = await (await fetch(`${server.url}/checklists/${id}`, { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const post = await fetch(`${server.url}/checklists/${id}/signoff`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, env: 'production', role }).toString(),
    });
    expect(post.status).toBe(303);
    const shown = await fetch(new URL(post.headers.get('location')!, server.url), { headers: { cookie } });
    const flash = /<p class="notice bad" role="status">([^<]*)<\/p>/.exec(await shown.text())?.[1];
    return { message: flash === undefined ? undefined : text(flash) };
  };

  it.each(CASES)('$what: exit 2, HTTP $http, the same message on the dashboard', async (c) => {
    const token = tokens[c.token]!;
    if (c.checklist === 'distinct') {
      // Pat signs one role first; the second is what every door refuses.
      expect((await viaCli(token, 'engineering', 'distinct')).code).toBe(0);
    }
    const id = c.checklist ?? 'launch';
    const [cli, api, dashboard] = await Promise.all([
      viaCli(token, c.role, id),
      viaApi(token, c.role, id),
      viaDashboard(token, c.role, id),
    ]);
    expect(cli).toEqual({ code: 2, message: c.message });
    expect(api).toEqual({ status: c.http, message: c.message });
    expect(dashboard).toEqual({ message: `Sign-off refused: ${c.message}` });
  });

  it('shows the signer as the token’s person on the dashboard, with the evidence it saw', async () => {
    const login = await fetch(`${server.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
      body: new URLSearchParams({ token: tokens.pat! }).toString(),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const page = text(
      await (await fetch(`${server.url}/checklists/distinct`, { headers: { cookie } })).text(),
    );
    expect(page).toMatch(/signed by Pat, /);
    expect(page).not.toContain('signed by pat');
    expect(page).toMatch(/evidence <span class="mono">[0-9a-f]{12}<\/span> · current/);
  });

  it('wrote no sign-off and no audit event through any door', async () => {
    const state = await store.loadState('launch', 'production');
    expect(state.signoffs).toEqual([]);
    const given = (await store.listAudit({ after: 0 })).filter((e) => e.type === 'signoff.given');
    // Only Pat's first sign-off (the setup of the distinct_signers case).
    expect(given.map((e) => [e.checklist, e.data.role])).toEqual([['distinct', 'engineering']]);
  });
});
