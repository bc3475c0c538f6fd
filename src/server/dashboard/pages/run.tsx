import type { FC } from 'hono/jsx';
import type { RunRecord } from '../../../engine/store.js';
import type { Checklist } from '../../../model/checklist.js';
import {
  Counts,
  Layout,
  type PageContext,
  query as q,
  relativeTime,
  StatusChip,
  shortTime,
  VerdictBadge,
} from '../components.js';

/** One stored run: its verdict and summary, and what each of its checks observed, failing first. */
export const RunPage: FC<{
  ctx: PageContext;
  checklist: Checklist;
  run: RunRecord;
  lang: string;
  now: Date;
}> = ({ ctx, checklist, run, lang, now }) => {
  const base = `/checklists/${encodeURIComponent(checklist.id)}`;
  const titles = new Map(checklist.items.map((i) => [i.id, i.title]));
  const rank = { fail: 0, error: 1, pending: 2, pass: 3 } as const;
  const outcomes = [...run.outcomes].sort((a, b) => rank[a.status] - rank[b.status]);
  const took = Math.max(0, Date.parse(run.finishedAt) - Date.parse(run.startedAt));
  return (
    <Layout ctx={{ ...ctx, active: 'runs' }} title={`Run #${run.id} of ${checklist.name}`} lang={lang}>
      <div class="hero">
        <VerdictBadge verdict={run.verdict} big />
        <div>
          <h1>
            Run #{run.id} of {checklist.name}
          </h1>
          <div class="sub">
            {run.environment} · finished {relativeTime(run.finishedAt, now)} ({shortTime(run.finishedAt)}) ·
            took {took} ms · trigger <span class="mono">{run.trigger}</span>
          </div>
        </div>
      </div>
      <div class="card stack gap-top">
        <Counts summary={run.summary} />
        {run.digest !== checklist.digest ? (
          <p class="notice bad">
            The checklist changed since this run (digest <span class="mono">{run.digest.slice(7, 19)}</span>,
            now <span class="mono">{checklist.digest.slice(7, 19)}</span>).
          </p>
        ) : null}
        <p class="sub">
          A run stores what its checks observed; manual items, waivers and sign-offs are judged from stored
          state on the <a href={`${base}${q({ env: run.environment })}`}>checklist page</a>. See also{' '}
          <a href={`/runs${q({ checklist: checklist.id })}`}>all runs</a>.
        </p>
      </div>
      <h2>Checks in this run</h2>
      {outcomes.length === 0 ? (
        <p class="sub">This checklist has no checks: every item is manual.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Status</th>
                <th>Item</th>
                <th>Message</th>
                <th>Took</th>
              </tr>
            </thead>
            <tbody>
              {outcomes.map((o) => (
                <tr data-item={o.item} data-status={o.status}>
                  <td>
                    <StatusChip status={o.status} />
                  </td>
                  <td>
                    <a href={`${base}${q({ env: run.environment })}#item-${o.item}`}>
                      {titles.get(o.item) ?? o.item}
                    </a>
                    <div class="sub mono">{o.item}</div>
                  </td>
                  <td class="msg">{o.message ?? ''}</td>
                  <td class="nowrap">{o.durationMs !== undefined ? `${o.durationMs} ms` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
};
