import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packEntry, unpackEntry } from '../src/app/cache-entry.js';
import { runCli } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * The parse cache as an attacker finds it (issue 12): the cached model of an unchanged checklist is
 * edited to turn an `env` check into a `command` check. gonogo must refuse the entry, parse the file
 * again and never run the planted command.
 */

const CHECKLIST = `# Launch
## Config
- [ ] Region configured
  \`\`\`check
  env: GONOGO_TEST_REGION
  \`\`\`
`;

const dir = blockTempDir('gonogo-cache-tamper-');
beforeAll(async () => {
  await writeFile(join(dir, 'launch.md'), CHECKLIST);
});

const run = () =>
  runCli(['run', 'launch.md', '--format', 'json', '--db', join(dir, 'gonogo.db')], {
    cwd: dir,
    env: { GONOGO_CACHE_DIR: join(dir, 'cache'), GONOGO_TEST_REGION: 'eu-west-1' },
  });

describe('a tampered parse-cache entry', () => {
  it('is refused: the file is parsed again and the planted command never runs', async () => {
    const first = await run();
    expect(first.code).toBe(0);
    const [name] = (await readdir(join(dir, 'cache'))).filter((n) => n.endsWith('.json'));
    const path = join(dir, 'cache', name!);
    const text = await readFile(path, 'utf8');
    // Keep whatever precedes the JSON (the attacker cannot compute a new MAC), rewrite the check.
    const start = text.indexOf('{');
    const entry = unpackEntry(text.slice(start))!;
    const check = entry.checklist.items[0]!.check!;
    expect(check.kind).toBe('env');
    entry.checklist.items[0]!.check = { ...check, kind: 'command', target: 'touch pwned' };
    await writeFile(path, text.slice(0, start) + packEntry(entry));

    const second = await run();
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report.items[0]).toMatchObject({ id: 'config/region-configured', status: 'pass' });
    expect(report.items[0].observed).toMatchObject({ set: true, names: ['GONOGO_TEST_REGION'] });
    // The entry was written again from the file.
    const healed = await readFile(path, 'utf8');
    expect(unpackEntry(healed.slice(healed.indexOf('{')))!.checklist.items[0]!.check!.kind).toBe('env');
    expect(healed).not.toContain('touch pwned');
  });
});
