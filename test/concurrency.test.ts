import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../src/engine/store.js';
import { type Backend, storeBackends } from '../src/store/test-support/backends.js';
import { runCli } from '../src/test-support/cli.js';

/**
 * Eight `gonogo attest` processes start at once on a store nobody has opened yet: the schema is
 * migrated once, and the eight appends serialise into one unbroken chain.
 */

const backends = await storeBackends();
const WRITERS = 8;

const CHECKLIST = `---
id: concurrent
name: Concurrent attestations
---
# Launch
## Checks by hand
${Array.from({ length: WRITERS }, (_, i) => `- [ ] Manual step ${i + 1}`).join('\n')}
`;

describe.each(backends)('concurrent attest on $name', ({ name, available, make }) => {
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.cleanup();
    backend = undefined;
  });

  it.skipIf(!available)(
    `${WRITERS} processes attest at once; the chain stays intact`,
    async () => {
      backend = await make(`concurrency_${name}`);
      const { dir, url } = backend;
      writeFileSync(join(dir, 'launch.md'), CHECKLIST);

      const results = await Promise.all(
        Array.from({ length: WRITERS }, (_, i) =>
          runCli(
            [
              'attest',
              'launch.md',
              `Manual step ${i + 1}`,
              '--evidence',
              `done by writer ${i + 1}`,
              '--db',
              url,
            ],
            {
              cwd: dir,
              env: { GONOGO_USER: `writer-${i + 1}` },
            },
          ),
        ),
      );
      for (const r of results) {
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
      }

      const verify = await runCli(['audit', 'verify', '--db', url], { cwd: dir });
      expect(verify.code).toBe(0);
      // Eight attestations, plus the one checklist.imported that the first writer logged.
      expect(verify.stdout).toMatch(new RegExp(`audit log intact: ${WRITERS + 1} events`));

      const list = await runCli(['audit', 'list', '--format', 'json', '--db', url], { cwd: dir });
      const events = JSON.parse(list.stdout) as AuditEvent[];
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: WRITERS + 1 }, (_, i) => i + 1));
      expect(events.filter((e) => e.type === 'checklist.imported')).toHaveLength(1);
      const attested = events.filter((e) => e.type === 'item.attested');
      expect(new Set(attested.map((e) => e.actor))).toEqual(
        new Set(Array.from({ length: WRITERS }, (_, i) => `writer-${i + 1}`)),
      );

      const status = await runCli(['status', 'launch.md', '--format', 'json', '--db', url], { cwd: dir });
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ verdict: 'GO', summary: { pass: WRITERS } });
    },
    180_000,
  );
});
