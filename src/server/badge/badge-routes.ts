import type { Context, Hono } from 'hono';
import type { Checklist } from '../../model/checklist.js';
import { bearerToken } from '../auth.js';
import type { Authenticator } from '../authenticator.js';
import { type AppEnv, requestHeader } from '../env.js';
import type { Gate } from '../gate.js';
import { KeptPromises } from '../kept-promises.js';
import { HttpProblem } from '../problem.js';
import { type BadgeFacts, badgeFacts, badgeJson, badgeSvg } from './badge.js';

/** How long a badge answer is reused: READMEs are fetched in bursts, the verdict changes rarely. */
const BADGE_CACHE_MS = 15_000;

/**
 * `GET /badge/{id}.svg?env=E` and `GET /badge/{id}.json` (a shields.io endpoint): the stored verdict
 * (never runs checks) and "N/M clear". Public when the checklist's front matter says `badge: public`;
 * otherwise a bearer token of any role is needed.
 */
export function registerBadgeRoutes(app: Hono<AppEnv>, gate: Gate, auth: Authenticator): void {
  // A change drops the badges of its checklist only.
  const cache = new KeptPromises<BadgeFacts, { until: number; value: Promise<BadgeFacts> }>({
    max: 1000,
    changes: gate.useCases.changes,
    drops: (change, key) => key.startsWith(`${change.checklist}\u0000`),
  });

  async function facts(c: Context<AppEnv>, id: string): Promise<BadgeFacts> {
    const { checklist } = gate.checklist(id);
    if (checklist.badge !== 'public') {
      const principal = await auth.verify(bearerToken(requestHeader(c, 'authorization')), c.get('clientIp'));
      auth.limit(principal);
      c.set('principal', principal);
    }
    const environment = gate.environment(checklist, c.req.query('env'));
    return cached(checklist, environment);
  }

  function cached(checklist: Checklist, environment: string): Promise<BadgeFacts> {
    const key = `${checklist.id}\u0000${environment}\u0000${checklist.digest}`;
    const label = environment === 'default' ? checklist.id : `${checklist.id} · ${environment}`;
    return cache.get(
      key,
      (kept) => kept.until > Date.now(),
      () => ({
        until: Date.now() + BADGE_CACHE_MS,
        value: gate.evaluate(checklist, environment).then((s) => badgeFacts(label, s.evaluation)),
      }),
    ).value;
  }

  // A non-capturing group: a capturing one makes Hono give up its RegExpRouter for every route.
  app.get('/badge/:file{.+\\.(?:svg|json)}', async (c) => {
    const file = c.req.param('file');
    const svg = file.endsWith('.svg');
    const id = file.slice(0, svg ? -4 : -5);
    if (!id) throw new HttpProblem(404, 'name a checklist: /badge/{id}.svg or /badge/{id}.json', 'id');
    const f = await facts(c, id);
    if (svg) return c.body(badgeSvg(f), 200, { 'Content-Type': 'image/svg+xml; charset=utf-8' });
    return c.json(badgeJson(f), 200);
  });
}
