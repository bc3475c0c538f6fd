import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * A checklist and `--by` names holding terminal escapes, through the real CLI:
 * nothing the user's terminal would act on reaches stdout or stderr, and the reader still sees it as
 * visible escapes.
 */

const CLEAR = '\x1b[2J';
const LINK = '\x1b]8;;https://evil.example\x07Click to approve\x1b]8;;\x07';
const RLO = '\u202E';
const BEL = '\x07';

/** Raw characters a terminal would act on (tab and line feed are fine). */
const RAW_CONTROL = /[\x00-\x08\x0B-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069]/;

const CHECKLIST = `---
gonogo: 1
id: hostile
name: "Launch \\e[2J \\e]8;;https://evil.example\\aClick to approve\\e]8;;\\a \\u202E"
environments:
  production: {}
policy:
  signoffs: [engineering]
---
# Launch ${CLEAR}
- [ ] Backups tested
- [ ] Restore ${LINK} drill ${RLO}
`;

const dir = blockTempDir('gonogo-hostile-');
const file = () => join(dir, 'launch.md');
const cli = (args: string[]) =>
  runCli(args, { cwd: dir, env: { GONOGO_DB: join(dir, 'gonogo.db'), GONOGO_NOW: '2026-11-20T09:00:00Z' } });

beforeAll(() => {
  writeFileSync(file(), CHECKLIST);
});

const HOSTILE_BY = `mallory${CLEAR}${LINK}${BEL}${RLO}`;

describe('the CLI never prints raw terminal escapes from names or --by', () => {
  it.each([
    { name: 'lint (text)', args: () => ['lint', file()], shown: ['\\x1b[2J', '\\u202e'] },
    {
      name: 'attest',
      args: () => ['attest', file(), 'Backups tested', '--evidence', `ok${CLEAR}`, '--by', HOSTILE_BY],
      shown: ['\\x1b]8;;https://evil.example\\x07', '\\u202e'],
    },
    {
      name: 'waive',
      args: () => [
        ...['waive', file(), 'Backups tested', '--reason', `why${BEL}`, '--owner', `ops${RLO}`],
        ...['--expires', '5d', '--by', HOSTILE_BY],
      ],
      shown: ['why\\x07', 'ops\\u202e', '\\x1b[2J'],
    },
    {
      name: 'signoff',
      args: () => ['signoff', file(), '--role', 'engineering', '--by', HOSTILE_BY],
      shown: ['mallory\\x1b[2J', '\\u202e'],
    },
    { name: 'audit list', args: () => ['audit', 'list'], shown: ['mallory\\x1b[2J', '\\u202e'] },
    { name: 'status (text)', args: () => ['status', file()], shown: ['\\x1b[2J', '\\u202e'] },
    {
      name: 'an error naming the item',
      args: () => ['attest', file(), `nope${CLEAR}`, '--evidence', 'x'],
      shown: ['nope\\x1b[2J'],
    },
  ])('$name', async ({ args, shown }) => {
    const r = await cli(args());
    const out = r.stdout + r.stderr;
    expect(out, out).not.toMatch(RAW_CONTROL);
    for (const s of shown) expect(out, out).toContain(s);
  });
});
