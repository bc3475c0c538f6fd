import { fold } from '../patterns.js';
import type { Rule } from '../rule.js';

/** Programs whose command lines a checklist quotes: package runners, interpreters, build and ops tools. */
const PROGRAM =
  /^(npm|npx|yarn|pnpm|bun|node|deno|python3?|pytest|pip|make|go|cargo|mvn|gradle|\.\/gradlew|dotnet|bundle|rails|rake|php|composer|bash|sh|pwsh|powershell|docker|kubectl|helm|terraform|psql|alembic|flask|django-admin)(\s|$)/;
/** A script run by path: `./scripts/check.sh`, `.\verify.ps1`. */
const SCRIPT = /^\.{1,2}[\\/]\S+/;
/** Verbs that say "deploy or start something": running that from a gate would change the system. */
const CHANGES = /^(deploy|start|launch|create|backup|yedek|kur|başlat)\b/;
/** Migrations that apply changes have a read-only twin that says whether any are pending. */
const READ_ONLY: [RegExp, string][] = [
  [/\bprisma migrate (deploy|dev)\b/, 'prisma migrate status'],
  [/\bknex migrate:latest\b/, 'knex migrate:status'],
  [/\brails db:migrate\b/, 'rails db:migrate:status'],
];

/** A `<placeholder>` would be a shell redirection: such a line is an example to fill in, not a command. */
const isCommand = (code: string) => (PROGRAM.test(code) || SCRIPT.test(code)) && !/<[^>]*>/.test(code);

/** "Run full test suite: `npm test`", "Run migrations: `npx prisma migrate deploy`" -> `command`. */
const rule: Rule = {
  name: 'backtick-command',
  summary:
    'a command in backticks (`npm test`, `npx prisma migrate status`), or in the bullets under an item ending in ":" -> `command`',
  match(item) {
    if (CHANGES.test(fold(item.title))) return undefined;
    let commands = item.codes.filter(isCommand);
    // "Run local smoke tests:" with the commands in the bullets under it.
    if (commands.length === 0 && /:\s*$/.test(item.title)) commands = item.detailCodes.filter(isCommand);
    if (commands.length === 0) return undefined;
    let line = commands.join(' && ');
    let note: string | undefined;
    for (const [re, twin] of READ_ONLY) {
      if (re.test(line)) {
        const applied = line.match(re)![0];
        line = line.replace(re, twin);
        note = `\`${applied}\` applies migrations; the gate asks \`${twin}\` whether any are pending`;
      }
    }
    if (!note && /migrat/i.test(line)) {
      note = 'this applies migrations: keep it only if it is safe to repeat, or use its status command';
    }
    return {
      check: { command: line },
      matched: commands.join(', '),
      note: note ?? 'the command runs on the machine that runs gonogo, from the checklist’s folder',
    };
  },
};

export default rule;
