import { describe, expect, it } from 'vitest';
import type { Checklist } from '../model/checklist.js';
import { ValidationErrors } from '../model/errors.js';
import { readChecklist } from './read-checklist.js';

const KINDS = new Set(['http', 'tcp', 'env', 'command']);

function read(text: string | Uint8Array, extra: { bind?: string; file?: string } = {}): Checklist {
  return readChecklist({
    bytes: text,
    file: extra.file ?? 'launch.md',
    kinds: KINDS,
    ...(extra.bind === undefined ? {} : { bindings: { text: extra.bind, file: 'bindings.yaml' } }),
  });
}

/** The located errors readChecklist throws, as `file:line:column: message` lines. */
function errorsOf(text: string, extra: { bind?: string } = {}): string[] {
  try {
    read(text, extra);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationErrors);
    return (err as ValidationErrors).errors.map((e) => e.format());
  }
  throw new Error('expected the checklist to be invalid');
}

const tasks = (c: Checklist) => c.items.filter((i) => i.kind !== 'criterion');

describe('which list items are checklist items', () => {
  it.each([
    ['dash bullets', '- [ ] a\n- [x] b\n', ['a', 'b'], [false, true]],
    ['star bullets', '* [ ] a\n* [x] b\n', ['a', 'b'], [false, true]],
    ['plus bullets', '+ [ ] a\n+ [X] b\n', ['a', 'b'], [false, true]],
    ['upper-case X', '- [X] done\n', ['done'], [true]],
    ['ordered with dots', '1. [ ] a\n2. [x] b\n', ['a', 'b'], [false, true]],
    ['ordered with parens', '1) [ ] a\n', ['a'], [false]],
    [
      'nested task items are their own items',
      '- [ ] parent\n  - [x] child\n',
      ['parent', 'child'],
      [false, true],
    ],
    ['a task under a plain bullet', '- Mock run\n  - [ ] stage\n', ['stage'], [false]],
    [
      'lazy continuation joins the title',
      '- [ ] first line\nsecond line\n',
      ['first line second line'],
      [false],
    ],
    ['indented continuation joins the title', '- [ ] first\n      second\n', ['first second'], [false]],
    ['in a blockquote', '> - [ ] quoted\n', ['quoted'], [false]],
    ['in a fenced code block', '```\n- [ ] no\n```\n', [], []],
    ['in a tilde fence', '~~~md\n- [ ] no\n~~~\n', [], []],
    ['in an indented code block', 'text\n\n    - [ ] no\n', [], []],
    ['in an HTML comment', '<!--\n- [ ] no\n-->\n', [], []],
    ['in a one-line HTML comment', '<!-- - [ ] no -->\n', [], []],
    ['in an HTML block', '<div>\n- [ ] no\n</div>\n', [], []],
    ['in inline code', 'see `- [ ] no`\n', [], []],
    ['a [x] paragraph without a list marker', '[x] I understand\n', [], []],
    ['a link that starts with X', '- [X (formerly Twitter)](https://x.com)\n', [], []],
    ['a plain bullet', '- just a bullet\n', [], []],
    ['in a table cell', '| a |\n|---|\n| [ ] no |\n', [], []],
  ])('%s', (_name, markdown, titles, checked) => {
    const items = tasks(read(markdown));
    expect(items.map((i) => i.title)).toEqual(titles);
    expect(items.map((i) => i.checked)).toEqual(checked);
  });

  it('reads CRLF and a BOM like LF text', () => {
    const lf = read('# S\n- [ ] a\n- [x] b\n');
    const crlf = read(Buffer.from('\uFEFF# S\r\n- [ ] a\r\n- [x] b\r\n', 'utf8'));
    expect(crlf.items).toEqual(lf.items);
    expect(crlf.digest).toBe(lf.digest);
  });

  it('records where each item starts', () => {
    const c = read('# S\n\n- [ ] a\n  - [ ] b\n');
    expect(c.items.map((i) => [i.line, i.column])).toEqual([
      [3, 1],
      [4, 3],
    ]);
  });
});

describe('titles', () => {
  it.each([
    ['markup stripped', '- [ ] **Bold** _em_ `code` [link](http://x) ~~del~~\n', 'Bold em code link del'],
    ['inline comments removed', '- [ ] Send mail: <!-- paste link -->\n', 'Send mail:'],
    ['images by alt text', '- [ ] **Doctype:** ![High][h] rest\n\n[h]: x.png\n', 'Doctype: High rest'],
    ['whitespace collapsed', '- [ ]   spaced    out  \n', 'spaced out'],
    ['inline HTML tags dropped, text kept', '- [ ] a <em>b</em> c\n', 'a b c'],
    ['pin removed', '- [ ] Deploy {#deploy}\n', 'Deploy'],
    ['annotation removed', '- [ ] Deploy <!-- due: +3d owner: sre -->\n', 'Deploy'],
  ])('%s', (_name, markdown, title) => {
    expect(read(markdown).items[0]!.title).toBe(title);
  });
});

describe('item ids', () => {
  it.each([
    [
      'section and item slugs',
      '## 1) Ortamlar\n- [ ] Ayrı Mongo cluster\n',
      ['1-ortamlar/ayri-mongo-cluster'],
    ],
    [
      'Turkish transliteration',
      '## Güvenlik\n- [ ] Şifre ığdır çöğüş İŞ\n',
      ['guvenlik/sifre-igdir-cogus-is'],
    ],
    ['other Latin letters', '## Café\n- [ ] Łódź straße Ærø\n', ['cafe/lodz-strasse-aero']],
    [
      'markup stripped',
      '## `Secrets` & **Config**\n- [ ] `JWT_SECRET` set\n',
      ['secrets-config/jwt-secret-set'],
    ],
    ['innermost heading', '# A\n## B\n### C\n- [ ] x\n## D\n- [ ] y\n', ['c/x', 'd/y']],
    ['emoji-only heading', '## 🚀\n- [ ] x\n', ['section/x']],
    ['before any heading: the checklist id', '- [ ] x\n', ['launch/x']],
    ['no letters in the title', '## S\n- [ ] ✅\n', ['s/item']],
    ['duplicates get -2, -3', '## S\n- [ ] x\n- [ ] x\n- [ ] X!\n', ['s/x', 's/x-2', 's/x-3']],
    ['a pin wins', '## S\n- [ ] x {#my-id}\n- [ ] y\n', ['my-id', 's/y']],
    ['a pin takes the id first', '## S\n- [ ] x\n- [ ] y {#s/x}\n', ['s/x-2', 's/x']],
  ])('%s', (_name, markdown, ids) => {
    expect(read(markdown).items.map((i) => i.id)).toEqual(ids);
  });

  it('cuts long slugs at a dash, at most 60 characters', () => {
    const title = 'Configure alerting for API error rate latency database connection pool exhaustion';
    const [item] = read(`## S\n- [ ] ${title}\n`).items;
    const slug = item!.id.split('/')[1]!;
    expect(slug.length).toBeLessThanOrEqual(60);
    expect(slug).toBe('configure-alerting-for-api-error-rate-latency-database');
  });

  it('does not rename other items when one is edited, added or moved', () => {
    const before = read('## S\n- [ ] alpha\n- [ ] beta\n- [ ] gamma\n').items.map((i) => i.id);
    const after = read('## S\n- [ ] gamma\n- [ ] new one\n- [ ] alpha (edited)\n- [ ] beta\n').items.map(
      (i) => i.id,
    );
    expect(after).toEqual(expect.arrayContaining([before[1], before[2]]));
  });

  it('rejects a pin used twice and a pin that is not an id', () => {
    expect(errorsOf('- [ ] a {#x}\n- [ ] b {#x}\n')).toEqual([
      'launch.md:2:1: id "x" is already pinned by the item at line 1',
    ]);
    expect(read('- [ ] a {#not a pin}\n').items[0]!.title).toBe('a {#not a pin}');
    expect(errorsOf('- [ ] a {#Upper}\n')[0]).toMatch(/^launch\.md:1:1: \{#Upper\} is not a usable id/);
    expect(errorsOf('- [ ] a {#-bad}\n')[0]).toMatch(/^launch\.md:1:1: \{#-bad\} is not a usable id/);
  });
});

describe('kinds', () => {
  it('makes a field of an item with a ___ blank', () => {
    const c = read('## DR\n- [ ] RTO: ______\n- [ ] `SOME___VAR` is set\n');
    expect(c.items.map((i) => i.kind)).toEqual(['field', 'task']);
  });

  it.each([['Sign-Off'], ['Sign off'], ['Signoffs'], ['Onay'], ['Approvals']])(
    'makes sign-off slots under "%s" with the label\'s first word as role',
    (heading) => {
      const c = read(
        `## ${heading}\n- [ ] Engineering Lead: ____ Date: ____\n- [ ] **Security** Review: ____\n- [ ] All done\n`,
      );
      expect(c.items.map((i) => [i.kind, i.role, i.id.split('/')[1]])).toEqual([
        ['signoff', 'engineering', 'engineering-lead'],
        ['signoff', 'security', 'security-review'],
        ['task', undefined, 'all-done'],
      ]);
      expect(c.signoffs).toEqual(['engineering', 'security']);
    },
  );

  it('takes required sign-offs from policy when given', () => {
    const c = read('---\npolicy:\n  signoffs: [product]\n---\n## Sign-Off\n- [ ] Engineering: ____\n');
    expect(c.signoffs).toEqual(['product']);
  });

  it.each([
    [
      'GO and NO-GO sub-headings',
      '## GO / NO-GO\n### ✅ GO:\n- a\n- b\n### ❌ NO-GO:\n- c\n',
      ['go', 'go', 'nogo'],
    ],
    ['NO GO with a space', '## NO GO\n- a\n', ['nogo']],
    ['GO with a note in parentheses', '### ✅ GO (all passed)\n- a\n', ['go']],
    ['acceptance criteria', '## Acceptance Criteria\n1. a\n2. b\n', ['go', 'go']],
    ['exit criteria', '## Exit criteria\n- a\n', ['go']],
    ['Kabul Kriterleri', '## Kabul Kriterleri\n- a\n', ['go']],
    ['a paragraph before the list', '## GO\n**Kriterler:**\n- a\n\n**Aksiyon:**\n- not\n', ['go']],
    ['only top-level bullets', '## GO\n- a\n  - detail\n', ['go']],
    ['nothing after a sub-heading', '## GO\n### Details\n- not\n', []],
    ['not a level-1 heading', '# GO\n- not\n', []],
    ['not "Go live" or "Goals"', '## Go live\n- not\n## Goals\n- not\n', []],
  ])('criteria: %s', (_name, markdown, polarities) => {
    const criteria = read(markdown).items.filter((i) => i.kind === 'criterion');
    expect(criteria.map((i) => i.polarity)).toEqual(polarities);
  });

  it('keeps task items in a criteria list as tasks and nested bullets as description', () => {
    const c = read('## GO\n- restore test passed\n  - run `restore.sh`\n- [ ] a task\n');
    expect(c.items.map((i) => [i.kind, i.title, i.description])).toEqual([
      ['criterion', 'restore test passed', '- run `restore.sh`'],
      ['task', 'a task', ''],
    ]);
  });
});

describe('advisory items', () => {
  it.each([
    ['- [ ] replicas (optional)\n', false],
    ['- [ ] replicas (Opsiyonel)\n', false],
    ['- [ ] tax rates (If Applicable)\n', false],
    ['- [ ] optional wording without parentheses is still blocking\n', true],
    ['- [ ] x\n  - `URL` (optional)\n', true],
    ['- [ ] x\n  ```check\n  http: https://a\n  blocking: false\n  ```\n', false],
  ])('%j -> blocking %s', (markdown, blocking) => {
    expect(read(markdown).items[0]!.blocking).toBe(blocking);
  });
});

describe('due and owner', () => {
  it.each([
    [
      'an annotation offset',
      '- [ ] x <!-- due: +14d owner: sre -->\n',
      { offsetDays: 14, text: '+14d' },
      'sre',
    ],
    ['an annotation date', '- [ ] x <!-- due: 2026-12-01 -->\n', { date: '2026-12-01' }, undefined],
    [
      'a check block',
      '- [ ] x\n  ```check\n  env: A\n  due: +2w\n  owner: ops\n  ```\n',
      { offsetDays: 14 },
      'ops',
    ],
    ['a day-range heading', '## 0–14 Gün (P0)\n- [ ] x\n', { fromDays: 0, offsetDays: 14 }, undefined],
    ['days, ASCII dash', '## 15-90 days\n### Sub\n- [ ] x\n', { fromDays: 15, offsetDays: 90 }, undefined],
    ['First 24 Hours', '## First 24 Hours\n- [ ] x\n', { fromDays: 0, offsetDays: 1 }, undefined],
    ['First Week', '## First Week\n- [ ] x\n', { fromDays: 0, offsetDays: 7 }, undefined],
    [
      'İlk 2 Hafta',
      '## Acil Aksiyon Seti (İlk 2 Hafta)\n1. [ ] x\n',
      { fromDays: 0, offsetDays: 14 },
      undefined,
    ],
    [
      'an annotation beats the heading',
      '## First Week\n- [ ] x <!-- due: +3d -->\n',
      { offsetDays: 3 },
      undefined,
    ],
  ])('%s', (_name, markdown, due, owner) => {
    const [item] = read(`---\nlaunch: 2026-12-01\n---\n${markdown}`).items;
    expect(item!.due).toMatchObject(due);
    expect(item!.owner).toBe(owner);
  });

  it('gives no window outside the day-range section', () => {
    const c = read('## First Week\n- [ ] in\n## Ongoing\n- [ ] out\n');
    expect(c.items.map((i) => i.due?.offsetDays)).toEqual([7, undefined]);
  });

  it('warns once when relative due dates have no launch date', () => {
    const c = read('## First Week\n- [ ] a\n- [ ] b\n');
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]!.message).toMatch(/2 item\(s\) are due relative to launch.*launch: YYYY-MM-DD/);
  });

  it('rejects a bad due at the comment', () => {
    expect(errorsOf('- [ ] x <!-- due: soon -->\n')).toEqual([
      'launch.md:1:9: due "soon" is neither a date (YYYY-MM-DD) nor an offset from launch like +14d',
    ]);
  });
});

describe('front matter', () => {
  it('defaults id, name, environments and policy', () => {
    const c = read('# My Launch\n- [ ] a\n', { file: 'dir/Go Live.md' });
    expect(c).toMatchObject({
      id: 'go-live',
      name: 'My Launch',
      environments: { default: {} },
      policy: { waiver_max_days: 30, signoffs: [] },
      notify: [],
    });
    expect(read('- [ ] a\n', { file: 'x.md' }).name).toBe('x');
  });

  it('reads every setting', () => {
    const c = read(
      [
        '---',
        'gonogo: 1',
        'id: enterprise',
        'name: Enterprise go-live',
        'launch: 2026-12-01',
        'environments:',
        '  staging: { BASE_URL: "https://staging.example.com", PORT: 8080 }',
        '  production:',
        'policy: { waiver_max_days: 14, signoffs: [engineering, security] }',
        'schedule: 5m',
        'notify:',
        '  - slack: ${SLACK_WEBHOOK_URL}',
        '  - webhook: https://hooks.example.com/gonogo',
        '    secret: ${GONOGO_WEBHOOK_SECRET}',
        '    events: [verdict.changed]',
        'badge: public',
        'lang: tr',
        '---',
        '- [ ] a',
      ].join('\n'),
    );
    expect(c).toMatchObject({
      id: 'enterprise',
      name: 'Enterprise go-live',
      launch: '2026-12-01',
      environments: { staging: { BASE_URL: 'https://staging.example.com', PORT: '8080' }, production: {} },
      policy: { waiver_max_days: 14, signoffs: ['engineering', 'security'] },
      schedule: '5m',
      notify: [
        { slack: '${SLACK_WEBHOOK_URL}' },
        {
          webhook: 'https://hooks.example.com/gonogo',
          secret: '${GONOGO_WEBHOOK_SECRET}',
          events: ['verdict.changed'],
        },
      ],
      signoffs: ['engineering', 'security'],
      badge: 'public',
      lang: 'tr',
    });
    expect(c.warnings).toEqual([]);
  });

  it('warns about keys of other tools (a GitHub issue template) at the key', () => {
    const c = read('---\nname: Cut a release\nabout: Create an issue\nlabels: a, b\n---\n- [ ] a\n');
    expect(c.name).toBe('Cut a release');
    expect(c.warnings.map((w) => [w.line, w.column, w.message])).toEqual([
      [3, 1, 'front matter key "about" is not a gonogo setting and is ignored'],
      [4, 1, 'front matter key "labels" is not a gonogo setting and is ignored'],
    ]);
  });

  it.each([
    [
      'a bad launch date',
      '---\nlaunch: 2026-13-01\n---\n',
      'launch.md:2:9: launch: write the launch date as YYYY-MM-DD',
    ],
    [
      'an unknown format version',
      '---\ngonogo: 2\n---\n',
      'launch.md:2:9: front matter gonogo: this gonogo reads format version 1',
    ],
    ['a bad schedule', '---\nschedule: sometimes\n---\n', 'launch.md:2:11: schedule: write an interval'],
    [
      'a bad waiver limit',
      '---\npolicy:\n  waiver_max_days: -1\n---\n',
      'launch.md:3:20: front matter policy.waiver_max_days',
    ],
    [
      'a role that is not a slug',
      '---\npolicy: {signoffs: [Eng Lead]}\n---\n',
      'launch.md:2:21: front matter policy.signoffs.0: sign-off roles are lower-case slugs',
    ],
    [
      'a badge that is neither public nor private',
      '---\nbadge: yes\n---\n',
      'launch.md:2:8: badge: write `public`',
    ],
    [
      'a lang that is not a language tag',
      '---\nlang: Türkçe\n---\n',
      'launch.md:2:7: lang: write a language tag',
    ],
    ['invalid YAML', '---\nid: [x\nname: y\n---\n', 'launch.md:3:1: invalid YAML'],
    ['not a map', '---\n- a\n---\n', 'launch.md:2:1: front matter must be a YAML map'],
  ])('locates %s', (_name, markdown, expected) => {
    const [first] = errorsOf(markdown);
    expect(first).toContain(expected);
  });

  it('warns when a webhook secret is written in the file', () => {
    const c = read('---\nnotify:\n  - webhook: https://h\n    secret: hunter2\n---\n');
    expect(c.warnings[0]).toMatchObject({ line: 4, message: expect.stringMatching(/environment variable/) });
  });
});

describe('check blocks', () => {
  it('binds a check block to its item', () => {
    const c = read(
      [
        '## Observability',
        '- [ ] `/api/health/ready` → 200',
        '  ```check',
        '  http: ${BASE_URL}/api/health/ready',
        '  expect:',
        '    - status == 200',
        '    - body.db == "ok"',
        '  timeout: 5s',
        '  retries: 2',
        '  retry_delay: 1s',
        '  hold: 24h',
        '  every: 1m',
        '  tolerance: 99.9%',
        '  runner: dmz',
        '  name: readiness',
        '  headers: { Accept: application/json }',
        '  ```',
      ].join('\n'),
    );
    expect(c.items[0]!.check).toEqual({
      kind: 'http',
      target: '${BASE_URL}/api/health/ready',
      expect: ['status == 200', 'body.db == "ok"'],
      timeoutMs: 5_000,
      retryDelayMs: 1_000,
      window: { holdMs: 86_400_000, everyMs: 60_000, tolerance: 99.9 / 100, holdText: '24h' },
      // Each condition's own place, for lint messages about it.
      expectAt: [
        { line: 6, column: 7 },
        { line: 7, column: 7 },
      ],
      timeout: '5s',
      retries: 2,
      retry_delay: '1s',
      hold: '24h',
      every: '1m',
      tolerance: '99.9%',
      runner: 'dmz',
      name: 'readiness',
      options: { headers: { Accept: 'application/json' } },
      line: 3,
      column: 3,
      file: 'launch.md',
    });
  });

  it('accepts a single expect string and a skip reason, and keeps the check out of the description', () => {
    const c = read('- [ ] x\n  ```check\n  env: A\n  expect: set\n  skip: no Redis here\n  ```\n  Note.\n');
    expect(c.items[0]).toMatchObject({
      check: { expect: ['set'] },
      skip: 'no Redis here',
      description: 'Note.',
    });
  });

  it('binds a block under a plain sub-bullet to the enclosing item', () => {
    const c = read('- [ ] x\n  - detail\n    ```check\n    env: A\n    ```\n');
    expect(c.items[0]!.check?.kind).toBe('env');
  });

  it('warns about a block outside any item', () => {
    const c = read('# T\n```check\nhttp: x\n```\n');
    expect(c.warnings.map((w) => [w.line, w.message])).toEqual([
      [2, 'check block is not inside a checklist item and is ignored; indent it under the item'],
    ]);
  });

  it.each([
    [
      'no kind',
      'foo: bar\nexpect: x',
      'launch.md:3:3: no check kind in check block ("foo" is not one); known kinds: command, env, http, tcp',
    ],
    ['bad YAML, located in the Markdown file', 'http: a\nexpect: [x', 'launch.md:4:13: invalid YAML'],
    ['bad duration', 'http: a\ntimeout: soon', 'launch.md:4:12: timeout: "soon" is not a duration'],
    ['bad retries', 'http: a\nretries: -1', 'launch.md:4:12: retries: write a whole number'],
    ['bad tolerance', 'http: a\ntolerance: most', 'launch.md:4:14: tolerance: write the share'],
    ['bad expect', 'http: a\nexpect: [1]', 'launch.md:4:11: expect: write a condition'],
    ['skip without reason', 'http: a\nskip: true', 'launch.md:4:9: skip: give the reason'],
    ['no target', 'http:', 'launch.md:3:8: http: the http check needs a target'],
    ['not a map', '- http: a', 'launch.md:3:3: a check is a YAML map'],
    ['empty', '', 'launch.md:2:3: check block is empty'],
  ])('rejects %s', (_name, yaml, expected) => {
    const body = yaml
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n');
    const [first] = errorsOf(`- [ ] x\n  \`\`\`check\n${body}\n  \`\`\`\n`);
    expect(first).toContain(expected);
  });

  it('takes the first key naming a kind as the kind; later kind names are its options', () => {
    const c = read('- [ ] x\n  ```check\n  command: ./migrate --dry-run\n  env: { MODE: check }\n  ```\n');
    expect(c.items[0]!.check?.kind).toBe('command');
    expect(c.items[0]!.check?.options).toEqual({ env: { MODE: 'check' } });
  });

  it('rejects two check blocks in one item', () => {
    const errors = errorsOf('- [ ] x\n  ```check\n  env: A\n  ```\n  ```check\n  env: B\n  ```\n');
    expect(errors).toEqual([
      'launch.md:5:3: item already has a check block at line 2; bind one check per item',
    ]);
  });

  it('reports every problem at once', () => {
    const errors = errorsOf(
      '---\nlaunch: x\n---\n- [ ] a\n  ```check\n  nope: 1\n  ```\n- [ ] b <!-- due: x -->\n',
    );
    expect(errors.map((e) => e.split(':').slice(1, 2)[0])).toEqual(['2', '6', '8']);
  });
});

describe('bindings', () => {
  const doc = '## Ops\n- [ ] Health endpoint\n- [ ] Redis AOF\n- [ ] Same\n- [ ] Same\n';

  it('binds by id and by exact title, from the bindings file', () => {
    const c = read(doc, {
      bind: 'ops/health-endpoint:\n  http: https://x/health\nRedis AOF:\n  command: redis-cli CONFIG GET appendonly\n',
    });
    expect(c.items.map((i) => i.check && [i.check.kind, i.check.file, i.check.line])).toEqual([
      ['http', 'bindings.yaml', 1],
      ['command', 'bindings.yaml', 3],
      null,
      null,
    ]);
  });

  it.each([
    ['an unknown id', 'ops/nope:\n  http: x\n', 'bindings.yaml:1:1: no item has the id or title "ops/nope"'],
    ['a near miss', 'health-endpoint:\n  http: x\n', 'did you mean "ops/health-endpoint"?'],
    [
      'an ambiguous title',
      'Same:\n  http: x\n',
      'bindings.yaml:1:1: "Same" is the title of 2 items (ops/same, ops/same-2); bind by id',
    ],
    ['a bad check', 'ops/redis-aof:\n  redis: x\n', 'bindings.yaml:2:3: no check kind in check block'],
    ['not a map', '- a\n', 'bindings.yaml:1:1: bindings are a YAML map'],
    ['invalid YAML', 'a: [\n', 'bindings.yaml:2:1: invalid YAML'],
  ])('rejects %s in the bindings file', (_name, bind, expected) => {
    expect(errorsOf(doc, { bind })[0]).toContain(expected);
  });

  it('rejects an item bound both inline and in the bindings file', () => {
    const errors = errorsOf('- [ ] a\n  ```check\n  env: A\n  ```\n', { bind: 'launch/a:\n  env: B\n' });
    expect(errors).toEqual([
      'bindings.yaml:1:1: item "launch/a" already has a check block at launch.md:2; remove one of the two',
    ]);
  });
});

describe('digest', () => {
  const base = read('# T\n- [ ] a\n').digest;
  it.each([
    ['CRLF', '# T\r\n- [ ] a\r\n', true],
    ['a BOM', '\uFEFF# T\n- [ ] a\n', true],
    ['a checked box', '# T\n- [x] a\n', false],
    ['one more character', '# T\n- [ ] ab\n', false],
  ])('%s -> same digest: %s', (_name, text, same) => {
    expect(read(text).digest === base).toBe(same);
  });

  it('covers the bindings', () => {
    expect(base).toMatch(/^sha256:[0-9a-f]{64}$/);
    const a = read('# T\n- [ ] a\n', { bind: 't/a:\n  env: A\n' }).digest;
    const b = read('# T\n- [ ] a\n', { bind: 't/a:\n  env: B\n' }).digest;
    expect(new Set([base, a, b]).size).toBe(3);
  });
});

describe('descriptions', () => {
  it('keeps notes, plain sub-bullets and code, dedented; leaves out nested task items', () => {
    const c = read(
      '- [ ] Configure alerts:\n\n  Notes here.\n\n  - webhook failures\n  - [ ] nested task\n  - queue growth\n\n  ```bash\n  run.sh\n  ```\n',
    );
    expect(c.items[0]!.description).toBe(
      'Notes here.\n\n- webhook failures\n- queue growth\n\n```bash\nrun.sh\n```',
    );
    expect(c.items[1]!.title).toBe('nested task');
  });
});
