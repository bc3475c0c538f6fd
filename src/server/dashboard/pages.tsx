import type { FC } from 'hono/jsx';
import type { AuditEvent, AuditVerification, RunRecord, Sample } from '../../engine/store.js';
import type { Checklist, Item } from '../../model/checklist.js';
import type { Waiver } from '../../model/state.js';
import type { Verdict } from '../../model/status.js';
import type { EvaluatedItem, Evaluation } from '../../model/verdict.js';
import {
  blockingProgress,
  Counts,
  CsrfField,
  Layout,
  type PageContext,
  ProgressBar,
  relativeTime,
  SampleChart,
  StatusChip,
  shortTime,
  showValue,
  VerdictBadge,
} from './components.js';
import type { Session } from './sessions.js';

const q = (params: Record<string, string | number | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
};

/** The login form. */
export const LoginPage: FC<{ ctx: PageContext; error?: string }> = ({ ctx, error }) => (
  <Layout ctx={ctx} title="Log in">
    <div class="login card stack">
      <h1>Log in</h1>
      <p class="sub">
        Paste an API token. Ask an admin for one (`gonogo token create --name you --role operator`).
      </p>
      {error ? <p class="notice bad">{error}</p> : null}
      <form method="post" action="/login" class="stack">
        <label>
          Token
          <input type="password" name="token" autocomplete="off" required />
        </label>
        <button type="submit">Log in</button>
      </form>
    </div>
  </Layout>
);

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

/** What the logged-in token may do on a checklist page. */
export interface Permissions {
  run: boolean;
  attest: boolean;
  waive: boolean;
  /** Sign-off roles this token may sign for on this checklist. */
  signRoles: string[];
}

/** Samples of a windowed item, for its chart. */
export interface WindowHistory {
  samples: Sample[];
  from: number;
  to: number;
  hold: string;
}

/** One checklist for one environment: verdict, reasons, sign-offs, items by section, actions. */
export const ChecklistPage: FC<{
  ctx: PageContext & { session: Session };
  checklist: Checklist;
  environment: string;
  environments: string[];
  evaluation: Evaluation;
  latest?: RunRecord;
  history: Map<string, WindowHistory>;
  can: Permissions;
  now: Date;
}> = ({ ctx, checklist, environment, environments, evaluation, latest, history, can, now }) => {
  const base = `/checklists/${encodeURIComponent(checklist.id)}`;
  const progress = blockingProgress(evaluation.items);
  const clear = progress.parts.pass + progress.parts.waived + progress.parts.skipped;
  const model = new Map(checklist.items.map((i) => [i.id, i]));
  const sections: { title: string; items: EvaluatedItem[] }[] = [];
  for (const item of evaluation.items) {
    // The document's title heading is the page title already; sections show the path below it.
    const path =
      item.section.length > 1 && item.section[0] === checklist.name ? item.section.slice(1) : item.section;
    const title = path.length > 0 ? path.join(' › ') : checklist.name;
    const last = sections[sections.length - 1];
    if (last && last.title === title) last.items.push(item);
    else sections.push({ title, items: [item] });
  }
  const blockingReasons = evaluation.reasons;
  return (
    <Layout ctx={ctx} title={`${checklist.name} (${environment})`}>
      <div class="hero">
        <VerdictBadge verdict={evaluation.verdict} big />
        <div>
          <h1>{checklist.name}</h1>
          <div class="sub">
            <span class="mono">{checklist.id}</span> · digest{' '}
            <span class="mono">{checklist.digest.slice(7, 19)}</span> ·{' '}
            {latest
              ? `checks ran ${relativeTime(latest.finishedAt, now)} (${latest.trigger})`
              : 'checks never ran'}
            {checklist.launch ? ` · launch ${checklist.launch}` : ''}
          </div>
        </div>
      </div>
      <nav class="env-tabs" aria-label="Environments">
        {environments.map((e) => (
          <a href={`${base}${q({ env: e })}`} aria-current={e === environment ? 'page' : undefined}>
            {e}
          </a>
        ))}
      </nav>
      <div class="card stack">
        <div class="row spread">
          <strong>
            {clear} of {progress.total} blocking items clear
          </strong>
          {can.run ? (
            <form method="post" action={`${base}/run`}>
              <CsrfField session={ctx.session} />
              <input type="hidden" name="env" value={environment} />
              <button type="submit">Run checks now</button>
            </form>
          ) : null}
        </div>
        <ProgressBar parts={progress.parts} total={progress.total} />
        <Counts summary={evaluation.summary} />
        {blockingReasons.length > 0 ? (
          <details open={evaluation.verdict === 'NO-GO' && blockingReasons.length <= 12}>
            <summary>
              {evaluation.verdict === 'NO-GO' ? 'Why NO-GO' : 'Notes'}: {blockingReasons.length} reason
              {blockingReasons.length === 1 ? '' : 's'}
            </summary>
            <ol class="reasons">
              {blockingReasons.map((r) => (
                <li>{r.message}</li>
              ))}
            </ol>
          </details>
        ) : (
          <p class="sub">Every blocking item is clear and every sign-off is in.</p>
        )}
      </div>

      <h2>Sign-offs</h2>
      {evaluation.signoffs.length === 0 ? (
        <p class="sub">This checklist requires no sign-offs.</p>
      ) : (
        <div class="signoffs">
          {evaluation.signoffs.map((s) => (
            <div class="card stack" data-role={s.role}>
              <div class="row spread">
                <strong>{s.role}</strong>
                <StatusChip status={s.signed ? 'pass' : 'pending'} />
              </div>
              <div class="sub">
                {s.signed
                  ? `signed by ${s.signed.by}, ${shortTime(s.signed.at)}`
                  : s.stale
                    ? `signed by ${s.stale.by} for an earlier version: sign again`
                    : 'awaiting sign-off'}
              </div>
              {!s.signed && can.signRoles.includes(s.role) ? (
                <form method="post" action={`${base}/signoff`}>
                  <CsrfField session={ctx.session} />
                  <input type="hidden" name="env" value={environment} />
                  <input type="hidden" name="role" value={s.role} />
                  <button type="submit">Sign off as {s.role}</button>
                </form>
              ) : null}
            </div>
          ))}
        </div>
      )}

      {sections.map((section) => (
        <section>
          <h2>{section.title}</h2>
          <ul class="items">
            {section.items.map((item) => (
              <ItemRow
                item={item}
                model={model.get(item.id)}
                history={history.get(item.id)}
                can={can}
                base={base}
                environment={environment}
                session={ctx.session}
                now={now}
              />
            ))}
          </ul>
        </section>
      ))}
    </Layout>
  );
};

const ItemRow: FC<{
  item: EvaluatedItem;
  model: Item | undefined;
  history: WindowHistory | undefined;
  can: Permissions;
  base: string;
  environment: string;
  session: Session;
  now: Date;
}> = ({ item, model, history, can, base, environment, session, now }) => {
  const manual = model !== undefined && !model.check && item.kind !== 'signoff';
  const showAttest = can.attest && manual && item.status !== 'skipped';
  const showWaive =
    can.waive && item.kind !== 'signoff' && item.status !== 'pass' && item.status !== 'skipped';
  const observed = item.observed ? Object.entries(item.observed) : [];
  return (
    <li class="item" id={`item-${item.id}`} data-item={item.id} data-status={item.status}>
      <div>
        <StatusChip status={item.status} />
      </div>
      <div class="body">
        <div class="title">{item.title}</div>
        <div class="meta">
          <span class="mono">{item.id}</span>
          {model?.check ? (
            <span class="tag">{model.check.kind}</span>
          ) : item.kind !== 'signoff' ? (
            <span class="tag">manual</span>
          ) : null}
          {item.kind !== 'task' ? <span class="tag">{item.kind}</span> : null}
          {!item.blocking ? <span class="tag">advisory</span> : null}
          {item.owner ? <span class="tag">owner {item.owner}</span> : null}
          {item.due ? (
            <span class={`tag${item.overdue ? ' warn' : ''}`}>
              {item.overdue ? `overdue since ${item.due}` : `due ${item.due}`}
            </span>
          ) : null}
          {item.flags.map((f) => (
            <span class="tag warn">{f}</span>
          ))}
        </div>
        {item.message ? <div class="msg">{item.message}</div> : null}
        {history ? (
          <div>
            <SampleChart
              samples={history.samples}
              from={history.from}
              to={history.to}
              label={`window ${history.hold}`}
            />
            <div class="sub">
              last {history.hold}: {history.samples.length} samples,{' '}
              {history.samples.filter((s) => !s.ok).length} failed
            </div>
          </div>
        ) : null}
        {observed.length > 0 ? (
          <details>
            <summary>Observed</summary>
            <dl class="obs">
              {observed.map(([k, v]) => (
                <>
                  <dt>{k}</dt>
                  <dd class="mono">{showValue(v)}</dd>
                </>
              ))}
            </dl>
          </details>
        ) : null}
        {model?.description ? (
          <details>
            <summary>Details and remedy</summary>
            <div class="desc">{model.description}</div>
          </details>
        ) : null}
        {showAttest ? (
          <details>
            <summary>{item.status === 'pass' ? 'Attest again' : 'Attest'}</summary>
            <form method="post" action={`${base}/attest`} class="act">
              <CsrfField session={session} />
              <input type="hidden" name="env" value={environment} />
              <input type="hidden" name="item" value={item.id} />
              {item.kind === 'field' ? (
                <label>
                  Value
                  <input name="value" required />
                </label>
              ) : null}
              <label>
                Evidence
                <input
                  name="evidence"
                  required
                  placeholder="What shows it holds: a link, a ticket, a sentence"
                />
              </label>
              <label>
                Valid for (optional)
                <input name="valid_for" placeholder="e.g. 90d" />
              </label>
              <button type="submit">Attest</button>
            </form>
          </details>
        ) : null}
        {showWaive ? (
          <details>
            <summary>Waive</summary>
            <form method="post" action={`${base}/waive`} class="act">
              <CsrfField session={session} />
              <input type="hidden" name="env" value={environment} />
              <input type="hidden" name="item" value={item.id} />
              <label>
                Reason
                <input name="reason" required />
              </label>
              <label>
                Owner
                <input name="owner" required />
              </label>
              <label>
                Expires (date or days)
                <input name="expires" required value="14d" />
              </label>
              <button type="submit">Grant waiver</button>
            </form>
          </details>
        ) : null}
        {item.waiver && item.status === 'waived' ? (
          <div class="sub">waiver expires {relativeTime(item.waiver.expiresAt, now)}</div>
        ) : null}
      </div>
    </li>
  );
};

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
                <td class="mono">#{r.id}</td>
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
            <th>#</th>
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
              <td class="mono">{e.seq}</td>
              <td class="nowrap">{shortTime(e.at)}</td>
              <td class="nowrap">{e.type}</td>
              <td>{e.actor}</td>
              <td>{[e.checklist, e.environment].filter(Boolean).join(' · ')}</td>
              <td class="mono">{showValue(e.data)}</td>
              <td class="mono">{e.hash.slice(0, 12)}</td>
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

/** A plain error page (unknown checklist, etc.). */
export const MessagePage: FC<{ ctx: PageContext; title: string; text: string }> = ({ ctx, title, text }) => (
  <Layout ctx={ctx} title={title}>
    <h1>{title}</h1>
    <p>{text}</p>
    <p>
      <a href="/">Back to the overview</a>
    </p>
  </Layout>
);
