import type { FC } from 'hono/jsx';
import type { Sample } from '../../../engine/store.js';
import type { Item } from '../../../model/checklist.js';
import type { EvaluatedItem } from '../../../model/verdict.js';
import { displayStatus } from '../../../model/verdict.js';
import { CsrfField, relativeTime, SampleChart, StatusChip, showValue } from '../components.js';
import type { Session } from '../sessions.js';

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

/** One item of the checklist page: status, observed values, window chart and its actions. */
export const ItemRow: FC<{
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
        <StatusChip status={item.status} label={displayStatus(item)} />
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
          {item.recurs ? <span class="tag">every {item.recurs}</span> : null}
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
