import type { FC } from 'hono/jsx';
import type { AuditEvent, AuditVerification } from '../../../engine/store.js';
import { Layout, type PageContext, shortTime, showValue } from '../components.js';

/**
 * An event's details as `key: value` lines: nested maps become dotted keys (`summary.pass: 12`),
 * lists of plain values are joined, so an auditor reads the event instead of parsing JSON.
 */
export function detailLines(data: unknown, prefix = ''): [string, string][] {
  if (data === null || data === undefined) return [];
  if (typeof data !== 'object' || Array.isArray(data)) {
    const plain = Array.isArray(data) && data.every((v) => v === null || typeof v !== 'object');
    return [[prefix || 'value', plain ? (data as unknown[]).join(', ') : showValue(data)]];
  }
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(data)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && prefix.split('.').length < 3)
      out.push(...detailLines(v, key));
    else out.push(...detailLines(v === null ? 'null' : v, key));
  }
  return out;
}

/** The audit log, newest first, with the chain verification button. */
export const AuditPage: FC<{
  ctx: PageContext;
  events: AuditEvent[];
  verification?: AuditVerification;
  olderHref?: string;
}> = ({ ctx, events, verification, olderHref }) => (
  <Layout ctx={{ ...ctx, active: 'audit' }} title="Audit log">
    <div class="row spread">
      <h1>Audit log</h1>
      <form method="get" action="/audit">
        <input type="hidden" name="verify" value="1" />
        <button type="submit">Verify the chain</button>
      </form>
    </div>
    {verification ? (
      verification.ok ? (
        <p class="notice ok" data-audit="intact">
          Chain intact: {verification.count} events recomputed
          {verification.head ? `; head #${verification.head.seq} ${verification.head.hash.slice(0, 16)}` : ''}
          .
        </p>
      ) : (
        <p class="notice bad" data-audit="broken">
          Chain broken at event #{verification.firstBad?.seq}: {verification.firstBad?.reason}
        </p>
      )
    ) : null}
    <p class="sub">Every state change is an event; each event’s hash covers the one before it.</p>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th class="nowrap">#</th>
            <th>When</th>
            <th>Event</th>
            <th>Actor</th>
            <th>Checklist · env</th>
            <th>Details</th>
            <th>Hash</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr>
              <td class="mono nowrap">{e.seq}</td>
              <td class="nowrap">{shortTime(e.at)}</td>
              <td class="nowrap">{e.type}</td>
              <td>{e.actor}</td>
              <td>{[e.checklist, e.environment].filter(Boolean).join(' · ')}</td>
              <td>
                <dl class="kv">
                  {detailLines(e.data).map(([k, v]) => (
                    <div>
                      <dt>{k}:</dt> <dd class="mono">{v}</dd>
                    </div>
                  ))}
                </dl>
              </td>
              <td class="mono nowrap">{e.hash.slice(0, 12)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
    {olderHref ? (
      <p class="pager">
        <a href={olderHref}>Older events →</a>
      </p>
    ) : null}
  </Layout>
);
