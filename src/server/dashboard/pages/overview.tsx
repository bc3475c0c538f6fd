import type { FC } from 'hono/jsx';
import type { RunRecord } from '../../../engine/store.js';
import type { Evaluation } from '../../../model/verdict.js';
import {
  blockingProgress,
  Counts,
  Layout,
  type PageContext,
  ProgressBar,
  query as q,
  relativeTime,
  shortTime,
  VerdictBadge,
} from '../components.js';

/** One environment of one checklist on the overview. */
export interface OverviewCell {
  environment: string;
  evaluation: Evaluation;
  latest?: RunRecord;
}

/** One checklist on the overview: its environments, or why it did not load. */
export interface OverviewRow {
  id: string;
  file: string;
  name?: string;
  error?: string;
  cells: OverviewCell[];
}

/** Checklists × environments with verdicts and progress. */
export const OverviewPage: FC<{ ctx: PageContext; rows: OverviewRow[]; now: Date }> = ({
  ctx,
  rows,
  now,
}) => (
  <Layout ctx={{ ...ctx, active: 'overview' }} title="Overview">
    <h1>Launch gates</h1>
    <p class="sub">
      {rows.length} checklist{rows.length === 1 ? '' : 's'} · as of {shortTime(now.toISOString())}
    </p>
    {rows.length === 0 ? (
      <p class="card">
        No checklists yet: put Markdown checklists in the directory given to `gonogo serve --checklists`.
      </p>
    ) : null}
    {rows.map((row) => (
      <section>
        <h2>
          {row.error ? (
            row.id
          ) : (
            <a href={`/checklists/${encodeURIComponent(row.id)}`}>{row.name ?? row.id}</a>
          )}{' '}
          <span class="sub mono">{row.id}</span>
        </h2>
        {row.error ? (
          <div class="card">
            <strong>Does not load.</strong> <span class="sub">{row.file}</span>
            <pre class="err">{row.error}</pre>
          </div>
        ) : (
          <div class="grid">
            {row.cells.map((cell) => {
              const progress = blockingProgress(cell.evaluation.items);
              const clear = progress.parts.pass + progress.parts.waived + progress.parts.skipped;
              return (
                <a
                  class="card env-card stack"
                  href={`/checklists/${encodeURIComponent(row.id)}${q({ env: cell.environment })}`}
                  data-env={cell.environment}
                >
                  <h3>
                    <span>{cell.environment}</span>
                    <VerdictBadge verdict={cell.evaluation.verdict} />
                  </h3>
                  <ProgressBar parts={progress.parts} total={progress.total} />
                  <div class="sub">
                    {clear} of {progress.total} blocking items clear ·{' '}
                    {cell.latest ? `checked ${relativeTime(cell.latest.finishedAt, now)}` : 'never run'}
                  </div>
                  <Counts summary={cell.evaluation.summary} />
                </a>
              );
            })}
          </div>
        )}
      </section>
    ))}
  </Layout>
);
