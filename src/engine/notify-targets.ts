import { createHash } from 'node:crypto';
import type { Checklist, NotifyTarget } from '../model/checklist.js';
import { expand } from './expand.js';

/** A `notify:` entry with `${VAR}` expanded: where to send, and how the log names it. */
export interface ResolvedTarget {
  kind: 'slack' | 'webhook';
  url: string;
  secret?: string;
  events?: string[];
  /** `webhook:<16 hex of sha256(url)>`: identifies the target in the store without revealing it. */
  key: string;
  /** `webhook hooks.example.com`. */
  label: string;
}

/** Why a `notify:` entry cannot be used (`dropped`), or is used with a risk worth a warning. */
export interface TargetProblem {
  /** Its index in `notify:`. */
  index: number;
  /** `notify[0].webhook`: the field at fault. */
  field: string;
  message: string;
  /** The target is left out: nothing is sent to it. */
  dropped: boolean;
}

/**
 * Expand and check a checklist's `notify:` targets against an environment: the one rule the service
 * (which drops an unusable target) and `gonogo lint` (which warns about it) share. Unusable: an unset
 * variable, not an http(s) URL, a webhook without `secret`. Used with a warning: a plain http URL.
 */
export function resolveNotifyTargets(
  checklist: Pick<Checklist, 'notify'>,
  env: Readonly<Record<string, string | undefined>>,
): { targets: ResolvedTarget[]; problems: TargetProblem[] } {
  const targets: ResolvedTarget[] = [];
  const problems: TargetProblem[] = [];
  (checklist.notify ?? []).forEach((t: NotifyTarget, index) => {
    const problem = (field: string, message: string, dropped = true) =>
      problems.push({ index, field: `notify[${index}]${field}`, message, dropped });
    const kind = t.slack !== undefined ? 'slack' : t.webhook !== undefined ? 'webhook' : undefined;
    if (!kind) {
      problem('', 'give either slack: URL or webhook: URL');
      return;
    }
    let url: string;
    let secret: string | undefined;
    try {
      const source = { environment: 'notify', block: {}, env };
      url = expand(String(kind === 'slack' ? t.slack : t.webhook), source).value;
      secret = t.secret === undefined ? undefined : expand(String(t.secret), source).value;
    } catch (err) {
      // Only the process environment feeds notify targets: say so in those words.
      const message = (err as Error).message;
      const unset = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\} is not set/.exec(message);
      problem(
        `.${unset && t.secret?.includes(`\${${unset[1]}}`) ? 'secret' : kind}`,
        unset ? `\${${unset[1]}} is not set in the process environment` : message,
      );
      return;
    }
    let host: string;
    try {
      const u = new URL(url);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http(s)');
      host = u.host;
      if (u.protocol === 'http:') {
        problem(
          `.${kind}`,
          'a plain http:// URL: the message (and its signature) travel unencrypted; use https://',
          false,
        );
      }
    } catch {
      problem(`.${kind}`, 'not an http(s) URL after expansion');
      return;
    }
    if (kind === 'webhook' && !secret) {
      problem('.secret', 'a webhook needs a secret to sign its body (secret: ${WEBHOOK_SECRET})');
      return;
    }
    targets.push({
      kind,
      url,
      ...(secret ? { secret } : {}),
      ...(t.events ? { events: t.events } : {}),
      key: `${kind}:${createHash('sha256').update(url).digest('hex').slice(0, 16)}`,
      label: `${kind} ${host}`,
    });
  });
  return { targets, problems };
}
