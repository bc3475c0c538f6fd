import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from './index.js';

describe('rule list', () => {
  it('holds every rule module of this folder once, each named after its file', () => {
    const files = readdirSync(new URL('./', import.meta.url))
      .filter((f) => /^[a-z-]+\.ts$/.test(f) && f !== 'index.ts')
      .map((f) => f.slice(0, -3))
      .sort();
    expect(RULES.map((r) => r.name).sort()).toEqual(files);
    for (const rule of RULES) expect(rule.summary.length).toBeGreaterThan(10);
  });
});
