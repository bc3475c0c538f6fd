import { fold } from '../patterns.js';
import type { Rule } from '../rule.js';

/** An absolute path (`/var/lib/app`), the value of `VAR=/path`, or the container side of `host:/path`. */
const PATH = /(?:^|[=:\s(])(\/(?:[\w.-]+\/?)+)/;

/** `BACKUP_PATH=/var/backups/app persistent volume` -> `file` that exists on a persistent filesystem. */
const rule: Rule = {
  name: 'persistent-volume',
  summary:
    'a path on a persistent or mounted volume (`/var/lib/...`, "persistent volume", Turkish "kalıcı") -> `file` with `persistent`',
  match(item) {
    const text = fold(item.title);
    const volume = /\bpersistent\b|\bvolume\b|\bmount(ed)?\b|\bkalici\b|\bba[gğ]lanmiş\b/.test(text);
    const candidates = [...item.codes, item.source];
    let path: string | undefined;
    for (const c of candidates) {
      const m = c.match(PATH);
      if (m && !m[1]!.startsWith('/api/') && m[1] !== '/') {
        path = m[1]!.replace(/\/$/, '');
        break;
      }
    }
    if (!path) return undefined;
    // A path under /var/lib or /data is a volume by convention even when the text does not say so.
    if (!volume && !/^\/(var\/lib|data|mnt|srv)\//.test(path)) return undefined;
    return {
      check: { file: path, expect: ['exists', 'persistent'] },
      matched: path,
      note: 'checked on the machine that runs gonogo: run it where the volume is mounted',
    };
  },
};

export default rule;
