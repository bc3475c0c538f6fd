import type { FC } from 'hono/jsx';
import type { RunRecord } from '../../../engine/store.js';
import type { Verdict } from '../../../model/status.js';
import {
  Counts,
  Layout,
  type PageContext,
  query as q,
  relativeTime,
  shortTime,
  VerdictBadge,
} from '../components.js';

/** Run history, newest first, with paging. */
export const RunsPage: FC<{
  ctx: PageContext;
  checklists: string[];
  checklist?: string;
  runs: RunRecord[];
  olderHref?: string;
  now: Date;
}> = ({ ctx, checklists, checklist, runs, olderHref, now }) => (
  <Layout ctx={{ ...ctx, active: 'runs' }} title="Runs">
    <h1>Run history</h1>
    <nav class="env-tabs" aria-label="Checklists">
      {checklists.map((id) => (
        <a href={`/runs${q({ checklist: id })}`} aria-current={id === checklist ? 'page' : undefined}>
          {id}
        </a>
      ))}
    </nav>
    <h2>{checklist ?? 'No checklist'}</h2>
    {runs.length === 0 ? (
      <p class="sub">No runs yet.</p>
    ) : (
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Run</th>
              <th>Verdict</th>
              <th>Environment</th>
              <th>Finished</th>
              <th>Took</th>
              <th>Items</th>
              <th>Trigger</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr>
                <td class="mono nowrap">
                  <a href={`/checklists/${encodeURIComponent(r.checklist)}/runs/${r.id}`}>#{r.id}</a>
                </td>
                <td>
                  <VerdictBadge verdict={r.verdict as Verdict} />
                </td>
                <td>{r.environment}</td>
                <td>
                  {relativeTime(r.finishedAt, now)}
                  <div class="sub">{shortTime(r.finishedAt)}</div>
                </td>
                <td>{`${Math.max(0, Date.parse(r.finishedAt) - Date.parse(r.startedAt))} ms`}</td>
                <td>
                  <Counts summary={r.summary} />
                </td>
                <td class="mono">{r.trigger}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )}
    {olderHref ? (
      <p class="pager">
        <a href={olderHref}>Older runs →</a>
      </p>
    ) : null}
  </Layout>
);
