import { describe, expect, it } from 'vitest';
import { expectIndexMatchesFolder } from '../../test-support/plugin-index.js';
import { commands } from './commands.js';

describe('the commands of src/cli/commands', () => {
  it('lists every command file in commands.ts under its file name, and nothing else', async () => {
    await expectIndexMatchesFolder({
      index: commands,
      folder: new URL('./', import.meta.url),
      notPlugins: ['commands'],
    });
  });

  it.each(Object.keys(commands))('%s has a summary and a usage naming it', async (name) => {
    const cmd = (await commands[name as keyof typeof commands]()).default;
    expect(cmd.summary.trim().length).toBeGreaterThan(0);
    expect(cmd.usage).toContain(`gonogo ${name}`);
    expect(typeof cmd.run).toBe('function');
  });
});
