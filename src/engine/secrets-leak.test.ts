import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/cli.js';
import { blockTempDir } from '../test-support/temp-dir.js';

/**
 * Secrets the redactor knows only from where they come: a process-environment variable named like a
 * secret (or listed in front matter `secrets:`) echoed by a command, credential query parameters echoed
 * in a body, a custom token header. None may reach any output format, the SQLite file or the audit list.
 */

const ENV_SECRET = 'EnvSecret-5d1e8c77';
const LISTED_SECRET = 'PlainValue-9911ab';
const QUERY_KEY = 'QRYKEY-8f2a91';
const QUERY_PASSWORD = 'QRYPW-77c1d0';
const HEADER_TOKEN = 'SRV-b7f3c9d2e1';
const SECRETS = [ENV_SECRET, LISTED_SECRET, QUERY_KEY, QUERY_PASSWORD, HEADER_TOKEN];

const dir = blockTempDir('gonogo-secrets-');
let server: Server;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'x-custom-token': HEADER_TOKEN });
    res.end(`you asked for ${req.url}\nx-custom-token: ${HEADER_TOKEN}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await writeFile(
    join(dir, 'launch.md'),
    [
      '---',
      'secrets: [PLAIN_SETTING]',
      '---',
      '# Launch',
      '## Checks',
      '- [ ] Command echoes the token',
      '  ```check',
      '  command: \'printf "%s %s" "$MY_API_TOKEN" "$PLAIN_SETTING"; printf "%s" "$MY_API_TOKEN" >&2\'',
      '  expect: stdout == "nothing"',
      '  ```',
      '- [ ] Body echoes the query',
      '  ```check',
      `  http: ${base}/echo?api_key=${QUERY_KEY}&password=${QUERY_PASSWORD}`,
      '  expect: text == "nothing"',
      '  ```',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const env = { MY_API_TOKEN: ENV_SECRET, PLAIN_SETTING: LISTED_SECRET, GONOGO_DB: '' };

describe('secrets the redactor learns from the environment and from shapes', () => {
  it.each(['text', 'json', 'junit', 'markdown'])('none appears in --format %s', async (format) => {
    const r = await runCli(['run', 'launch.md', '--format', format, '--db', join(dir, `${format}.db`)], {
      cwd: dir,
      env: { ...env, GONOGO_DB: undefined },
    });
    expect(r.code).toBe(1);
    // The checks ran and their echoes were observed, just not shown.
    expect(r.stdout).toMatch(/\$\{MY\\?_API\\?_TOKEN\}/);
    for (const secret of SECRETS) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
  });

  it('none is stored in the SQLite file or shown by audit list', async () => {
    const db = join(dir, 'stored.db');
    const run = await runCli(['run', 'launch.md', '--format', 'json', '--db', db], {
      cwd: dir,
      env: { ...env, GONOGO_DB: undefined },
    });
    expect(run.code).toBe(1);
    const audit = await runCli(['audit', 'list', '--db', db], { cwd: dir, env: { GONOGO_DB: undefined } });
    expect(audit.code).toBe(0);
    const files = (await readdir(dir)).filter((f) => f.startsWith('stored.db'));
    const bytes = Buffer.concat(await Promise.all(files.map((f) => readFile(join(dir, f)))));
    for (const secret of SECRETS) {
      expect(bytes.includes(secret)).toBe(false);
      expect(audit.stdout).not.toContain(secret);
    }
  });
});
