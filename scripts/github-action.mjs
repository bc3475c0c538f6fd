#!/usr/bin/env node
// The GitHub Action's step (action.yml): run the gate once, then write what GitHub shows.
// - the Markdown report to $GITHUB_STEP_SUMMARY, on GO and NO-GO alike;
// - one ::error annotation per blocking item, at its line in the checklist (`--format github`);
// - the outputs verdict, pass, fail, error, pending, waived, skipped to $GITHUB_OUTPUT;
// - exit 0 on GO, 1 on NO-GO, 2 when gonogo could not run (bad input, config error).
// Inputs arrive as INPUT_<NAME> variables (action.yml passes them explicitly); it runs in
// $GITHUB_WORKSPACE so paths in annotations are relative to the repository, as GitHub expects.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
// The action runs the build `npm ci` made; a clone without one (the project's own tests) runs the sources
// through tsx, the way `npm run gonogo` does.
const BUILT = existsSync(join(ROOT, 'dist', 'app', 'main.js'));
const TSX = BUILT ? '' : pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const CLI = BUILT ? [join(ROOT, 'bin', 'gonogo')] : ['--import', TSX, join(ROOT, 'src', 'app', 'bin.ts')];
const env = process.env;
const input = (name) => (env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
const workspace = resolve(env.GITHUB_WORKSPACE || process.cwd());

/** Print a workflow command; the message is escaped as GitHub requires. */
const command = (level, message) =>
  process.stdout.write(
    `::${level}::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`,
  );

function fail(message) {
  command('error', message.split('\n')[0]);
  process.stderr.write(`${message}\n`);
  if (env.GITHUB_STEP_SUMMARY) {
    appendFileSync(env.GITHUB_STEP_SUMMARY, `## gonogo could not run\n\n\`\`\`\n${message}\n\`\`\`\n`);
  }
  process.exit(2);
}

/** A path as the user gave it, made relative to the workspace (annotations need that), with `/`. */
function workspacePath(path) {
  const abs = isAbsolute(path) ? path : resolve(workspace, path);
  const rel = relative(workspace, abs);
  return (rel.startsWith('..') || isAbsolute(rel) ? abs : rel).split(sep).join('/');
}

/** Run the real CLI from the workspace. */
function gonogo(args) {
  return spawnSync(process.execPath, [...CLI, ...args], { cwd: workspace, env, encoding: 'utf8' });
}

const checklist = input('checklist');
if (!checklist) fail('the input `checklist` is required: the path of the Markdown checklist, e.g. launch.md');
const file = workspacePath(checklist);
const common = [];
if (input('env')) common.push('--env', input('env'));
if (input('bind')) common.push('--bind', workspacePath(input('bind')));
if (input('db')) common.push('--db', input('db'));
const logFormat = input('format') || 'text';

if (!BUILT) (await import('tsx/esm/api')).register();
const formats = BUILT ? '../dist/cli/format/index.js' : '../src/cli/format/index.ts';
const { getFormat } = await import(new URL(formats, import.meta.url).href);
// A wrong `format` is a configuration error found before anything runs or is stored.
await getFormat(logFormat).catch((err) => fail(`input format: ${err.message}`));

const dir = mkdtempSync(join(tmpdir(), 'gonogo-action-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

// One run, stored and audited once, as JSON; every view GitHub shows is rendered from that one report
// by gonogo's own formats, so the log, the annotations and the summary cannot disagree.
const jsonPath = join(dir, 'report.json');
const run = gonogo(['run', file, ...common, '--format', 'json', '--out', jsonPath]);
if (run.status !== 0 && run.status !== 1) fail((run.stderr || run.stdout || 'gonogo run failed').trim());
const report = JSON.parse(readFileSync(jsonPath, 'utf8'));
// The report names the checklist as the CLI was given it: relative to the workspace already.
const render = async (format) => (await getFormat(format)).render(report, { color: false });

process.stdout.write(await render(logFormat));
process.stdout.write(await render('github'));
if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${await render('markdown')}\n`);
if (env.GITHUB_OUTPUT) {
  const lines = [`verdict=${report.verdict}`];
  for (const key of ['pass', 'fail', 'error', 'pending', 'waived', 'skipped']) {
    lines.push(`${key}=${report.summary[key] ?? 0}`);
  }
  appendFileSync(env.GITHUB_OUTPUT, `${lines.join('\n')}\n`);
}
process.exitCode = report.verdict === 'GO' ? 0 : 1;
