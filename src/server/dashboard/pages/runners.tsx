import type { FC } from 'hono/jsx';
import type { RunnerView } from '../../runner-registry.js';
import { Layout, type PageContext, relativeTime, shortTime } from '../components.js';

/** The runners this server has heard from: labels, version, last request, jobs done and failed. */
export const RunnersPage: FC<{ ctx: PageContext; runners: RunnerView[]; queue: boolean; now: Date }> = ({
  ctx,
  runners,
  queue,
  now,
}) => (
  <Layout ctx={{ ...ctx, active: 'runners' }} title="Runners">
    <h1>Runners</h1>
    <p class="sub">
      Runners run the checks marked <code>runner: LABEL</code> from inside private networks; this server
      judges what they observe. {runners.length} runner{runners.length === 1 ? '' : 's'} called in since this
      server started.
    </p>
    {queue ? null : (
      <p class="sub">
        This server has no runner queue: runners need the PostgreSQL store (<code>--db postgres://…</code>),
        and on SQLite every <code>runner:</code> item is an error.
      </p>
    )}
    {runners.length > 0 ? (
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Runner</th>
              <th>Labels</th>
              <th>Version</th>
              <th>Last seen</th>
              <th>Jobs done</th>
              <th>Jobs failed</th>
            </tr>
          </thead>
          <tbody>
            {runners.map((r) => (
              <tr>
                <td>
                  {r.name}
                  <div class="sub">token {r.token}</div>
                </td>
                <td class="mono">{r.labels.join(', ')}</td>
                <td>{r.version}</td>
                <td>
                  {relativeTime(r.lastSeen, now)}
                  <div class="sub">{shortTime(r.lastSeen)}</div>
                </td>
                <td>{r.done}</td>
                <td>{r.failed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    ) : (
      <p class="sub">
        No runner has called in yet. Start one with{' '}
        <code>gonogo runner --server URL --token T --labels prod-vpc</code> (see docs/runners.md).
      </p>
    )}
  </Layout>
);
