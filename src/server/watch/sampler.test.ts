import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { CheckFailure, defineCheck } from '../../engine/check.js';
import { checklistOf, itemWith, registryOf } from '../../engine/test-support/kinds.js';
import { MemoryStore } from '../../engine/test-support/memory-store.js';
import { sampleItems } from './sampler.js';

/** A probed system that echoes a setting back in its error, as a misconfigured service does. */
const echoKind = defineCheck({
  kind: 'echo',
  summary: 'fails with the value of an environment variable in its message',
  target: z.string(),
  options: z.strictObject({}),
  variables: { ok: { type: 'bool', description: 'ok' } },
  defaultExpect: ['ok'],
  async run(name: string, _o, ctx) {
    throw new CheckFailure(`login refused for ${ctx.env[name] ?? ''}`, { ok: false });
  },
});

describe('sampleItems', () => {
  it('redacts the values of the checklist’s front-matter secrets in stored samples', async () => {
    const secret = 'plain-setting-value-4f9a1c';
    const store = new MemoryStore();
    // PLAIN_SETTING is no secret by its name: only the front matter's `secrets:` list marks it.
    const item = itemWith('ops/login', { kind: 'echo', target: 'PLAIN_SETTING', hold: '1m', every: '10s' });
    const checklist = checklistOf([item], { secrets: ['PLAIN_SETTING'] });
    const samples = await sampleItems(
      {
        registry: registryOf(echoKind),
        store,
        now: () => new Date('2026-12-01T09:00:00Z'),
        env: { PLAIN_SETTING: secret },
        baseDir: () => '.',
      },
      checklist,
      'production',
      [item],
    );
    expect(samples).toHaveLength(1);
    expect(samples[0]!.ok).toBe(false);
    expect(samples[0]!.message).toContain('login refused for');
    expect(JSON.stringify(store.samples)).not.toContain(secret);
  });
});
