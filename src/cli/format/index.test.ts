import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../model/errors.js';
import { expectIndexMatchesFolder } from '../../test-support/plugin-index.js';
import { formats } from './formats.js';
import { colorWanted, FORMAT_NAMES, getFormat, renderReport } from './index.js';
import { noGoReport } from './test-support/sample-report.js';

const dir = new URL('./', import.meta.url);
const files = readdirSync(dir);

describe('format registry', () => {
  it('offers the formats of DESIGN.md (github for CI annotations included)', () => {
    expect(FORMAT_NAMES).toEqual(['github', 'json', 'junit', 'markdown', 'text']);
  });

  it('lists every format module of the folder in formats.ts under its file name, each with a test beside it', async () => {
    await expectIndexMatchesFolder({
      index: formats,
      folder: dir,
      notPlugins: ['index', 'formats', 'formatter', 'wrap'],
      nameOf: (format) => (format as { name?: unknown }).name,
    });
    for (const name of FORMAT_NAMES) expect(files, `${name}.test.ts`).toContain(`${name}.test.ts`);
  });

  it('refuses an unknown format with a usage error naming the known ones', async () => {
    await expect(renderReport('yaml', noGoReport(), { color: false })).rejects.toThrow(ConfigError);
    await expect(getFormat('yaml')).rejects.toThrow(
      /unknown format "yaml"; use one of: github, json, junit, markdown, text/,
    );
    await expect(getFormat('formatter')).rejects.toThrow(/unknown format "formatter"/);
    await expect(getFormat('constructor')).rejects.toThrow(/unknown format "constructor"/);
  });

  it.each(FORMAT_NAMES)('%s renders the verdict of the report', async (name) => {
    expect(await renderReport(name, noGoReport(), { color: false })).toContain('NO-GO');
    expect((await getFormat(name)).name).toBe(name);
  });
});

describe('colorWanted', () => {
  it.each([
    { env: {}, tty: true, want: true },
    { env: {}, tty: false, want: false },
    { env: { NO_COLOR: '1' }, tty: true, want: false },
    { env: { NO_COLOR: '' }, tty: true, want: true },
    { env: { FORCE_COLOR: '1' }, tty: false, want: true },
    { env: { FORCE_COLOR: '1', NO_COLOR: '1' }, tty: false, want: true },
    { env: { FORCE_COLOR: '0' }, tty: true, want: false },
    { env: { FORCE_COLOR: 'false' }, tty: true, want: false },
  ])('$env on a tty=$tty -> $want', ({ env, tty, want }) => {
    expect(colorWanted(env, tty)).toBe(want);
  });
});
