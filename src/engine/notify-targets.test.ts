import { describe, expect, it } from 'vitest';
import type { NotifyTarget } from '../model/checklist.js';
import { resolveNotifyTargets } from './notify-targets.js';

describe('notify targets a service cannot use', () => {
  it.each<[string, NotifyTarget, Record<string, string>, string | undefined, boolean]>([
    ['usable', { slack: 'https://hooks.slack.com/x' }, {}, undefined, false],
    [
      'an unset variable',
      { slack: '${SLACK_WEBHOOK_URL}' },
      {},
      'notify[0].slack: ${SLACK_WEBHOOK_URL} is not set in the process environment',
      true,
    ],
    [
      'an unset secret variable',
      { webhook: 'https://h.example.com', secret: '${HOOK_SECRET}' },
      {},
      'notify[0].secret: ${HOOK_SECRET} is not set in the process environment',
      true,
    ],
    [
      'a webhook without secret',
      { webhook: 'https://h.example.com' },
      {},
      'notify[0].secret: a webhook needs a secret',
      true,
    ],
    ['not a URL', { slack: 'hooks' }, {}, 'notify[0].slack: not an http(s) URL', true],
    [
      'a plain http URL',
      { slack: '${U}' },
      { U: 'http://h.example.com' },
      'notify[0].slack: a plain http:// URL',
      false,
    ],
  ])('%s', (_name, target, env, problem, dropped) => {
    const { targets, problems } = resolveNotifyTargets({ notify: [target] }, env);
    if (problem === undefined) {
      expect(problems).toEqual([]);
      return;
    }
    expect(`${problems[0]?.field}: ${problems[0]?.message}`).toContain(problem);
    expect(problems[0]?.dropped).toBe(dropped);
    expect(targets.length).toBe(dropped ? 0 : 1);
  });
});
