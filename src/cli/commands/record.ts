import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../../model/errors.js';
import { makeLaunchRecord, verifyLaunchRecord } from '../../usecases/index.js';
import { parseArgs } from '../args.js';
import { type Command, type CommandContext, EXIT } from '../context.js';
import { openChecklist, requireFlags } from '../state-command.js';

const usage =
  'record FILE [--env E] --key KEY.pem [--out R.json] [--bind B] [--db PATH|URL] | record verify R.json --pub KEY.pub';

/** A file the user named, read as text; a missing or unreadable one is a usage error naming the flag. */
async function readText(ctx: CommandContext, path: string, what: string): Promise<string> {
  try {
    return await readFile(resolve(ctx.io.cwd, path), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
    throw new ConfigError(`${what} ${path}: ${why}`, what.replace(/^--/, ''));
  }
}

async function verify(ctx: CommandContext, file: string, pub: string | undefined): Promise<number> {
  if (!pub)
    throw new ConfigError(
      `missing --pub KEY.pub (the public key to check with)\nusage: gonogo ${usage}`,
      'pub',
    );
  const [record, key] = await Promise.all([readText(ctx, file, 'record'), readText(ctx, pub, '--pub')]);
  const v = verifyLaunchRecord(record, key);
  if (!v.ok) {
    ctx.io.stdout.write(`launch record ${file} does NOT verify: ${v.why}\n`);
    return EXIT.BROKEN;
  }
  const p = v.statement.predicate;
  ctx.io.stdout.write(
    `launch record verified: ${p.checklist.id} (${p.environment}) ${p.verdict} at ${p.at}\n` +
      `checklist ${p.checklist.name}, digest sha256:${v.statement.subject[0]?.digest.sha256 ?? '?'}\n` +
      `signed by key ${v.keyid}\n`,
  );
  return EXIT.OK;
}

/** `gonogo record`: a signed launch record (in-toto Statement in a DSSE envelope, Ed25519), and its check. */
const command: Command = {
  usage: `usage: gonogo ${usage}
  --key KEY.pem   Ed25519 private key (openssl genpkey -algorithm ed25519 -out KEY.pem)
  --out R.json    where to write the record (default: stdout)
  --pub KEY.pub   public key to verify with (openssl pkey -in KEY.pem -pubout -out KEY.pub)
record verify exits 0 when the signature holds (and prints the verdict), 1 when it does not, 2 on unreadable input.`,
  async run(args, ctx) {
    const { values, positionals: pos } = parseArgs(
      args,
      {
        env: { type: 'string' },
        key: { type: 'string' },
        out: { type: 'string' },
        pub: { type: 'string' },
        bind: { type: 'string' },
      },
      usage,
    );
    if (pos[0] === 'verify' && pos.length === 2) return verify(ctx, pos[1]!, values.pub);
    if (pos.length !== 1) {
      throw new ConfigError(
        `${pos.length === 0 ? 'missing FILE' : `unexpected argument "${pos[1]}"`}\nusage: gonogo ${usage}`,
      );
    }
    const file = pos[0]!;
    requireFlags(values, ['key'], usage);
    const privateKeyPem = await readText(ctx, values.key!, '--key');
    const { checklist, useCases } = await openChecklist(ctx, file, { bind: values.bind });
    const { envelope, statement } = await makeLaunchRecord(useCases, {
      checklist,
      environment: values.env,
      privateKeyPem,
      env: ctx.io.env,
    });
    const text = `${JSON.stringify(envelope, null, 2)}\n`;
    if (values.out) await writeFile(resolve(ctx.io.cwd, values.out), text);
    else ctx.io.stdout.write(text);
    const p = statement.predicate as { environment: string; verdict: string; audit: { seq: number } | null };
    ctx.io.stderr.write(
      `signed launch record of ${checklist.id} (${p.environment}): ${p.verdict}, ` +
        `audit head ${p.audit ? `event ${p.audit.seq}` : '(no events)'}${values.out ? `, written to ${values.out}` : ''}\n` +
        `verify it anywhere: gonogo record verify ${values.out ?? 'R.json'} --pub KEY.pub\n`,
    );
    return EXIT.OK;
  },
};

export default command;
