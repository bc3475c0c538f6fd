import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../src/engine/report.js';
import { runCli, SHARED } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * The post-launch program (seed 001) through the CLI: with `launch` set, the items of the first two
 * weeks fall due on day 14 and are overdue on day 20; a review attested `--valid-for 7d` falls due again.
 */

describe('seed 001 as a post-launch program', () => {
  const dir = blockTempDir('gonogo-program-');
  let file: string;
  const status = async (now: string) => {
    const r = await runCli(['status', file, '--format', 'json', '--db', join(dir, 'gonogo.db')], {
      cwd: dir,
      env: { GONOGO_NOW: now },
    });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as RunReport;
  };

  beforeAll(() => {
    file = join(dir, 'program.md');
    const seed = readFileSync(join(SHARED, 'seeds/001-post-launch-90-day-program.md'), 'utf8');
    writeFileSync(file, `---\nlaunch: 2026-01-01\n---\n${seed}`);
  });

  it.each([
    ['day 10', '2026-01-11T00:00:00Z', false],
    ['day 14, the last day of the window', '2026-01-15T12:00:00Z', false],
    ['day 20', '2026-01-21T00:00:00Z', true],
  ])('at %s (%s) the first-two-weeks items are overdue: %s', async (_label, now, overdue) => {
    const report = await status(now);
    const firstTwoWeeks = report.items.filter((i) => i.section.at(-1) === 'Acil Aksiyon Seti (İlk 2 Hafta)');
    expect(firstTwoWeeks).toHaveLength(6);
    for (const item of firstTwoWeeks)
      expect(item).toMatchObject({ due: '2026-01-15', overdue, status: 'pending' });
  });

  it('an attestation valid for 7 days makes the item pass, then fall due again', async () => {
    const item = 'acil-aksiyon-seti-ilk-2-hafta/slo-sli-lari-tanimlayin-ve-gosterge-paneline-ekleyin';
    const attest = await runCli(
      [
        'attest',
        file,
        item,
        '--evidence',
        'dashboard live',
        '--by',
        'ana',
        '--valid-for',
        '7d',
        '--db',
        join(dir, 'gonogo.db'),
      ],
      { cwd: dir, env: { GONOGO_NOW: '2026-01-10T00:00:00Z' } },
    );
    expect(attest.code).toBe(0);
    const during = (await status('2026-01-16T00:00:00Z')).items.find((i) => i.id === item)!;
    expect(during).toMatchObject({ status: 'pass', overdue: false });
    const after = (await status('2026-01-18T00:00:00Z')).items.find((i) => i.id === item)!;
    expect(after).toMatchObject({ status: 'pending', overdue: true, flags: ['attestation-expired'] });
  });
});
