import { basename } from 'node:path';
import type { Context, Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { resolveNotifyTargets } from '../../engine/notify-targets.js';
import type { DeliveryRecord } from '../../engine/store.js';
import type { Checklist } from '../../model/checklist.js';
import { Layout, type PageContext, relativeTime, StatusChip, shortTime } from '../dashboard/components.js';
import type { ServerDeps } from '../deps.js';
import type { AppEnv } from '../env.js';
import type { Gate } from '../gate.js';
import { isProgram, type ProgramView, programView } from './program.js';

/**
 * Dashboard pages of the watch loop: the post-launch program (by track and window, overdue first) and
 * the notification delivery log. Server-rendered, readable without JavaScript, like every other page.
 */

const q = (params: Record<string, string | number | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
};

/** The program page. */
export const ProgramPage: FC<{
  ctx: PageContext;
  programs: string[];
  environments: string[];
  view?: ProgramView;
}> = ({ ctx, programs, environments, view }) => (
  <Layout ctx={{ ...ctx, active: 'program' }} title="Program">
    <h1>Post-launch program</h1>
    <nav class="env-tabs" aria-label="Programs">
      {programs.map((id) => (
        <a
          href={`/program${q({ checklist: id })}`}
          aria-current={id === view?.checklist ? 'page' : undefined}
        >
          {id}
        </a>
      ))}
    </nav>
    {!view ? (
      <p class="sub">
        No checklist has due dates yet. Give items `due:` or put them under headings like “0–14 days”.
      </p>
    ) : (
      <>
        {environments.length > 1 ? (
          <nav class="env-tabs" aria-label="Environments">
            {environments.map((env) => (
              <a
                href={`/program${q({ checklist: view.checklist, env })}`}
                aria-current={env === view.environment ? 'page' : undefined}
              >
                {env}
              </a>
            ))}
          </nav>
        ) : null}
        <p class="sub">
          {view.launch
            ? `Launch ${view.launch}, day ${view.day}. `
            : 'No launch date: relative due dates are unknown. '}
          {view.done} of {view.total} done, <strong>{view.overdue} overdue</strong>.{' '}
          <a href={`/checklists/${encodeURIComponent(view.checklist)}${q({ env: view.environment })}`}>
            Attest items →
          </a>
        </p>
        {view.tracks.map((track) => (
          <section>
            <h2>
              {track.title}{' '}
              <span class="sub">
                {track.done}/{track.total} done{track.overdue > 0 ? `, ${track.overdue} overdue` : ''}
              </span>
            </h2>
            {track.windows.map((w) => (
              <div class="table-wrap">
                <table>
                  <caption>
                    {w.label}
                    {w.due && w.label !== 'Recurring' ? ` · due ${w.due}` : ''}
                    {w.overdue > 0 ? ` · ${w.overdue} overdue` : ''}
                  </caption>
                  <thead>
                    <tr>
                      <th>Status</th>
                      <th>Item</th>
                      <th>Due</th>
                      <th>Owner</th>
                      <th>Note</th>
                    </tr>
                  </thead>
                  <tbody>
                    {w.items.map((i) => (
                      <tr data-overdue={i.overdue ? 'true' : undefined}>
                        <td>
                          <StatusChip status={i.status} />
                          {i.overdue ? <strong class="overdue"> overdue {i.daysLate}d</strong> : null}
                        </td>
                        <td>
                          {i.title}
                          <div class="sub mono">
                            {i.id}
                            {i.kind === 'workstream' || i.kind === 'review' ? ` · ${i.kind}` : ''}
                          </div>
                        </td>
                        <td data-next-due={i.recurs ? (i.due ?? '') : undefined}>
                          {i.recurs
                            ? `next ${i.due ?? '(after launch)'} · every ${i.recurs}`
                            : (i.due ?? '—')}
                        </td>
                        <td>{i.owner ?? '—'}</td>
                        <td class="sub">{i.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ))}
          </section>
        ))}
      </>
    )}
  </Layout>
);

/** The delivery log page. */
export const DeliveriesPage: FC<{
  ctx: PageContext;
  deliveries: DeliveryRecord[];
  olderHref?: string;
  now: Date;
  /** `notify:` targets this service cannot use (or uses at a risk), and why. */
  unusable?: UnusableTarget[];
}> = ({ ctx, deliveries, olderHref, now, unusable = [] }) => (
  <Layout ctx={{ ...ctx, active: 'notifications' }} title="Notifications">
    <h1>Notification deliveries</h1>
    <p class="sub">
      Events from checklists’ <code>notify:</code> targets, newest first. Failed attempts are retried with
      backoff; target URLs are never shown.
    </p>
    {unusable.length > 0 ? (
      <section aria-labelledby="unusable-targets">
        <h2 id="unusable-targets">Targets with a problem</h2>
        <ul>
          {unusable.map((u) => (
            <li data-dropped={String(u.dropped)}>
              <a href={`/checklists/${encodeURIComponent(u.checklist)}`}>{u.checklist}</a>{' '}
              <span class="mono">{u.field}</span>
              {u.where ? <span class="sub"> ({u.where})</span> : null}: {u.message};{' '}
              <strong>{u.dropped ? 'not used: nothing is sent to it' : 'used'}</strong>
            </li>
          ))}
        </ul>
      </section>
    ) : null}
    {deliveries.length === 0 ? (
      <p class="sub">Nothing sent yet.</p>
    ) : (
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Event</th>
              <th>Checklist · env</th>
              <th>Target</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Last answer</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr data-status={d.status}>
                <td class="mono">
                  {d.event}
                  <div class="sub">{shortTime(d.at)}</div>
                </td>
                <td>
                  <a href={`/checklists/${encodeURIComponent(d.checklist)}${q({ env: d.environment })}`}>
                    {d.checklist}
                  </a>{' '}
                  · {d.environment}
                </td>
                <td>{d.targetLabel}</td>
                <td>
                  <strong>{d.status}</strong>
                  {d.status === 'retrying' ? (
                    <div class="sub">next {relativeTime(d.nextAttemptAt, now)}</div>
                  ) : null}
                </td>
                <td>{d.attempts}</td>
                <td>{d.responseCode !== null ? `HTTP ${d.responseCode}` : (d.lastError ?? '—')}</td>
                <td>{relativeTime(d.updatedAt, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )}
    {olderHref ? (
      <p class="pager">
        <a href={olderHref}>Older deliveries →</a>
      </p>
    ) : null}
  </Layout>
);

/**
 * Add `/program` and `/notifications` to the dashboard app (after its login middleware).
 * @example registerWatchPages(app, { deps, gate, pageCtx });
 */
export function registerWatchPages(
  app: Hono<AppEnv>,
  opts: {
    deps: ServerDeps;
    gate: Pick<Gate, 'evaluate' | 'environment'>;
    pageCtx(c: Context<AppEnv>): PageContext;
  },
): void {
  const { deps, gate, pageCtx } = opts;

  app.get('/program', async (c) => {
    const programs = deps.catalog
      .list()
      .flatMap((e) => (e.checklist && isProgram(e.checklist) ? [e.checklist] : []));
    const wanted = c.req.query('checklist');
    const checklist = programs.find((p) => p.id === wanted) ?? programs[0];
    const ids = programs.map((p) => p.id);
    if (!checklist) return c.html(<ProgramPage ctx={pageCtx(c)} programs={ids} environments={[]} />);
    const names = Object.keys(checklist.environments);
    const environments = names.length > 0 ? names : ['default'];
    const requested = c.req.query('env');
    const env = requested && environments.includes(requested) ? requested : environments[0]!;
    const { evaluation } = await gate.evaluate(checklist, env);
    const view = programView(checklist, evaluation, deps.now());
    return c.html(<ProgramPage ctx={pageCtx(c)} programs={ids} environments={environments} view={view} />);
  });

  app.get('/notifications', async (c) => {
    const before = Number(c.req.query('before')) || undefined;
    const limit = 100;
    const deliveries = await deps.store.listDeliveries({ limit, ...(before ? { before } : {}) });
    const oldest = deliveries.at(-1)?.id;
    const olderHref =
      deliveries.length === limit && oldest !== undefined ? `/notifications?before=${oldest}` : undefined;
    const unusable = deps.catalog
      .list()
      .flatMap((e) => (e.checklist ? unusableTargets(e.checklist, deps.env) : []));
    return c.html(
      <DeliveriesPage
        ctx={pageCtx(c)}
        deliveries={deliveries}
        unusable={unusable}
        {...(olderHref ? { olderHref } : {})}
        now={deps.now()}
      />,
    );
  });
}

/** A `notify:` target of a served checklist that the service cannot use, as the Notifications page lists it. */
export interface UnusableTarget {
  checklist: string;
  field: string;
  message: string;
  dropped: boolean;
  /** `launch.gonogo.yaml:4`: where the entry is written, without the server's directories. */
  where?: string;
}

/** The problems of a checklist's `notify:` targets in the service's environment (the rule `gonogo lint` warns with). */
export function unusableTargets(
  checklist: Checklist,
  env: Readonly<Record<string, string | undefined>>,
): UnusableTarget[] {
  return resolveNotifyTargets(checklist, env).problems.map((p) => {
    const at = checklist.notify[p.index]?.at;
    const file = at?.file ? basename(at.file) : undefined;
    return {
      checklist: checklist.id,
      field: p.field,
      message: p.message,
      dropped: p.dropped,
      ...(at ? { where: `${file ?? 'front matter'}:${at.line}` } : {}),
    };
  });
}
