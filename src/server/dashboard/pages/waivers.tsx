import type { FC } from 'hono/jsx';
import type { Waiver } from '../../../model/state.js';
import { Layout, type PageContext, query as q, relativeTime, shortTime } from '../components.js';

/** The waiver register: every waiver with its expiry countdown. */
export const WaiversPage: FC<{ ctx: PageContext; waivers: Waiver[]; now: Date }> = ({
  ctx,
  waivers,
  now,
}) => {
  const active = waivers
    .filter((w) => Date.parse(w.expiresAt) > now.getTime())
    .sort((a, b) => (a.expiresAt < b.expiresAt ? -1 : 1));
  const expired = waivers.filter((w) => Date.parse(w.expiresAt) <= now.getTime());
  const Table: FC<{ rows: Waiver[] }> = ({ rows }) => (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Expires</th>
            <th>Item</th>
            <th>Checklist · env</th>
            <th>Reason</th>
            <th>Owner</th>
            <th>Granted</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((w) => (
            <tr>
              <td>
                <strong>{relativeTime(w.expiresAt, now)}</strong>
                <div class="sub">{shortTime(w.expiresAt)}</div>
              </td>
              <td class="mono">{w.item}</td>
              <td>
                <a href={`/checklists/${encodeURIComponent(w.checklist)}${q({ env: w.environment })}`}>
                  {w.checklist}
                </a>{' '}
                · {w.environment}
              </td>
              <td>{w.reason}</td>
              <td>{w.owner}</td>
              <td>
                {w.by}
                <div class="sub">{shortTime(w.at)}</div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
  return (
    <Layout ctx={{ ...ctx, active: 'waivers' }} title="Waivers">
      <h1>Waiver register</h1>
      <p class="sub">
        {active.length} active, {expired.length} expired. Expired waivers no longer hide an item’s real
        status.
      </p>
      <h2>Active</h2>
      {active.length > 0 ? <Table rows={active} /> : <p class="sub">No active waivers.</p>}
      <h2>Expired</h2>
      {expired.length > 0 ? <Table rows={expired} /> : <p class="sub">None.</p>}
    </Layout>
  );
};
