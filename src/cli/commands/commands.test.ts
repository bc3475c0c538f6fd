import { describe, expect, it } from 'vitest';
import { expectIndexMatchesFolder } from '../../test-support/plugin-index.js';
import { type CommandName, commands, summaries } from './commands.js';

describe('the commands of src/cli/commands', () => {
  it('lists every command file in commands.ts under its file name, and nothing else', async () => {
    await expectIndexMatchesFolder({
      index: commands,
      folder: new URL('./', import.meta.url),
      notPlugins: ['commands'],
    });
  });

  it('has a one-line summary for every command, and none for a command that does not exist', () => {
    expect(Object.keys(summaries).sort()).toEqual(Object.keys(commands).sort());
    for (const summary of Object.values(summaries)) {
      expect(summary.trim().length).toBeGreaterThan(0);
      expect(summary).not.toContain('\n');
    }
  });

  it.each(Object.keys(commands))('%s has a usage naming it', async (name) => {
    const cmd = (await commands[name as CommandName]()).default;
    expect(cmd.usage).toContain(`gonogo ${name}`);
    expect(typeof cmd.run).toBe('function');
  });
});
