import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { validateAction, validateWorkflow } from '@action-validator/core';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, runCli } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

const SCRIPT = join(ROOT, 'scripts', 'github-action.mjs');

let calls = 0;

/** The action's step as GitHub runs it: inputs as INPUT_* variables, files for summary and outputs. */
function runAction(workspace: string, inputs: Record<string, string>, env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string; summary: string; output: string }>(
    (resolve, reject) => {
      calls += 1;
      const summaryFile = join(workspace, `summary-${calls}.md`);
      const outputFile = join(workspace, `output-${calls}.txt`);
      const vars: Record<string, string | undefined> = {
        ...process.env,
        NO_COLOR: '1',
        GITHUB_WORKSPACE: workspace,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_OUTPUT: outputFile,
        ...env,
      };
      for (const [name, value] of Object.entries(inputs)) vars[`INPUT_${name.toUpperCase()}`] = value;
      const child = spawn(process.execPath, [SCRIPT], { cwd: workspace, env: vars });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', async (code) => {
        const read = (f: string) => readFile(f, 'utf8').catch(() => '');
        resolve({
          code: code ?? -1,
          stdout,
          stderr,
          summary: await read(summaryFile),
          output: await read(outputFile),
        });
      });
    },
  );
}

const GO = `# Go list

## Config
- [ ] \`APP_MODE=production\`
  \`\`\`check
  env: APP_MODE
  expect: ['value == "production"']
  \`\`\`
`;
const NO_GO = `# No-go list

## Config
- [ ] \`APP_MODE=production\`
  \`\`\`check
  env: APP_MODE
  expect: ['value == "production"']
  \`\`\`
- [ ] \`FEATURE_X=on\`
  \`\`\`check
  env: FEATURE_X
  expect: ['value == "on"']
  \`\`\`

## People
- [ ] Team trained, 100% ready: yes
`;

const workspace = blockTempDir('gonogo-action-');
beforeAll(async () => {
  await writeFile(join(workspace, 'go.md'), GO);
  await writeFile(join(workspace, 'no-go.md'), NO_GO);
});

describe('the GitHub Action script', () => {
  it('on GO: writes the summary, sets the outputs, prints no error and exits 0', async () => {
    const r = await runAction(workspace, { checklist: 'go.md' }, { APP_MODE: 'production' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.summary).toContain('GO');
    expect(r.summary).not.toContain('NO-GO');
    expect(r.summary).toMatch(/^\|.*\|$/m);
    expect(r.output).toMatch(/^verdict=GO$/m);
    expect(r.output).toMatch(/^pass=1$/m);
    expect(r.output).toMatch(/^fail=0$/m);
    expect(r.stdout).not.toContain('::error');
  });

  it('on NO-GO: the summary too, one ::error per blocking item at its line, outputs, exit 1', async () => {
    const r = await runAction(
      workspace,
      { checklist: join(workspace, 'no-go.md') },
      { APP_MODE: 'production' },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.summary).toContain('NO-GO');
    expect(r.summary).toMatch(/^\|.*\|$/m);
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(2);
    // Relative to the workspace; the title's `:` and `,` and the message's `%` are escaped.
    expect(errors[0]).toMatch(/^::error file=no-go\.md,line=9,title=NO-GO%3A fail%3A FEATURE_X=on::/);
    expect(errors[1]).toMatch(
      /^::error file=no-go\.md,line=16,title=NO-GO%3A pending%3A Team trained%2C 100%25 ready/,
    );
    expect(r.output.split('\n').filter(Boolean).sort()).toEqual(
      ['verdict=NO-GO', 'pass=1', 'fail=1', 'error=0', 'pending=1', 'waived=0', 'skipped=0'].sort(),
    );
  });

  it('exits 2 on a configuration error, saying why in the summary', async () => {
    const r = await runAction(workspace, { checklist: 'missing.md' });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^::error::/m);
    expect(r.summary).toContain('gonogo could not run');
    expect(r.output).toBe('');
    expect((await runAction(workspace, { checklist: 'go.md', format: 'yaml' })).code).toBe(2);
  });
});

describe('action.yml and the CI examples', () => {
  it('action.yml is valid against the action metadata schema (SchemaStore, via action-validator)', async () => {
    const text = await readFile(join(ROOT, 'action.yml'), 'utf8');
    expect(validateAction(text).errors).toEqual([]);
    // The validator does judge: a wrong `runs.using` is refused.
    expect(validateAction(text.replace('using: composite', 'using: node99')).errors).not.toEqual([]);
    const action = parse(text);
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs).sort()).toEqual(['bind', 'checklist', 'db', 'env', 'format']);
    for (const name of ['verdict', 'pass', 'fail', 'pending', 'waived'])
      expect(action.outputs).toHaveProperty(name);
    const steps = action.runs.steps as { uses?: string; run?: string; with?: Record<string, unknown> }[];
    expect(steps[0]).toMatchObject({ uses: 'actions/setup-node@v4', with: { 'node-version': 20 } });
    expect(steps.some((s) => s.run?.includes('npm ci'))).toBe(true);
    expect(steps.at(-1)?.run).toContain('scripts/github-action.mjs');
  });

  it('the documented GitHub workflow is a valid workflow that uses the action with its inputs', async () => {
    const text = await readFile(join(ROOT, 'examples/ci/github-workflow.yml'), 'utf8');
    expect(validateWorkflow(text).errors).toEqual([]);
    const action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8'));
    const steps = Object.values(
      parse(text).jobs as Record<string, { steps: { uses?: string; with?: object }[] }>,
    ).flatMap((j) => j.steps);
    const step = steps.find((s) => s.uses?.endsWith('/gonogo@v1'));
    expect(step).toBeDefined();
    const given = Object.keys(step!.with ?? {});
    for (const name of given) expect(Object.keys(action.inputs)).toContain(name);
    for (const [name, spec] of Object.entries(action.inputs as Record<string, { required?: boolean }>)) {
      if (spec.required) expect(given).toContain(name);
    }
    expect((await readFile(join(ROOT, 'docs/ci.md'), 'utf8')).includes(text.trim())).toBe(true);
  });

  describe('the documented GitLab job', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      server = createServer((_req, res) => res.end('ok'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('runs through the real CLI and leaves the JUnit report its artifacts name', async () => {
      const text = await readFile(join(ROOT, 'examples/ci/gitlab-ci.yml'), 'utf8');
      expect((await readFile(join(ROOT, 'docs/ci.md'), 'utf8')).includes(text.trim())).toBe(true);
      const job = parse(text)['launch-gate'];
      const report: string = job.artifacts.reports.junit;
      expect(job.artifacts.when).toBe('always');
      const line: string = job.script.find((l: string) => l.includes('gonogo run'));
      const args = line.replace(/^npx --yes gonogo /, '').split(/\s+/);
      const out = join(workspace, 'gitlab');
      const r = await runCli(
        [...args.map((a) => (a === report ? join(out, report) : a)), '--db', join(out, 'g.db')],
        {
          cwd: ROOT,
          env: { ...job.variables, BASE_URL: base },
        },
      );
      expect(r.code, r.stderr).toBe(0);
      const xml = new XMLParser({ ignoreAttributes: false }).parse(await readFile(join(out, report), 'utf8'));
      expect(Number(xml.testsuites['@_tests'])).toBeGreaterThanOrEqual(2);
      expect(xml.testsuites['@_failures']).toBe('0');
    });
  });
});
