import type { FC } from 'hono/jsx';
import type { Sample } from '../../../engine/store.js';
import type { Item } from '../../../model/checklist.js';
import type { EvaluatedItem } from '../../../model/verdict.js';
import { displayStatus } from '../../../model/verdict.js';
import { CsrfField, relativeTime, SampleChart, StatusChip, showValue } from '../components.js';
import type { RefusedForm, Session } from '../sessions.js';
import { windowWords } from '../window-words.js';

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
  /** The sampling interval, when known (gaps longer than twice it break the window). */
  everyMs?: number;
}

/**
 * Why this item's form was refused, beside the form it came from: focused and announced (role alert),
 * the anchor the refused post returns to, so it is in view with the form open.
 */
const RefusedNotice: FC<{ item: string; text: string }> = ({ item, text }) => (
  <p class="notice bad" id={`refused-${item}`} role="alert" tabindex={-1} autofocus>
    {text}
  </p>
);

/**
 * One item of the checklist page: status, observed values, window chart and its actions. Each
 * disclosure is named with `label` ("Attest: Backups restored"): a screen reader's list of 66 controls
 * all called "Attest" says nothing.
 */
export const ItemRow: FC<{
  item: EvaluatedItem;
  /** The item's title (with its id when another item has the same title), for accessible names. */
  label: string;
  model: Item | undefined;
  history: WindowHistory | undefined;
  can: Permissions;
  base: string;
  environment: string;
  session: Session;
  now: Date;
  /** This item's form that was just refused, with the message and what was typed. */
  refused?: RefusedForm & { text: string };
}> = ({ item, label, model, history, can, base, environment, session, now, refused }) => {
  const typed = (form: RefusedForm['form'], field: string) =>
    refused?.form === form ? refused.values[field] : undefined;
  const manual = model !== undefined && !model.check && item.kind !== 'signoff';
  const showAttest = can.attest && manual && item.status !== 'skipped';
  const showWaive =
    can.waive && item.kind !== 'signoff' && item.status !== 'pass' && item.status !== 'skipped';
  const observed = item.observed ? Object.entries(item.observed) : [];
  // A refusal for a form this row does not show (its status changed meanwhile) still has a place here.
  const refusedElsewhere =
    refused && !((refused.form === 'attest' && showAttest) || (refused.form === 'waive' && showWaive));
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
            <div class="sub" data-window="">
              {history.everyMs !== undefined
                ? `${windowWords(history.samples, { holdMs: history.to - history.from, everyMs: history.everyMs, now: history.to })} · `
                : ''}
              last {history.hold}: {history.samples.length} samples,{' '}
              {history.samples.filter((s) => !s.ok).length} failed
            </div>
          </div>
        ) : null}
        {observed.length > 0 ? (
          <details>
            <summary aria-label={`Observed: ${label}`}>Observed</summary>
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
            <summary aria-label={`Details and remedy: ${label}`}>Details and remedy</summary>
            <div class="desc">{model.description}</div>
          </details>
        ) : null}
        {refusedElsewhere ? <RefusedNotice item={item.id} text={refused.text} /> : null}
        {showAttest ? (
          <details open={refused?.form === 'attest'}>
            <summary>{item.status === 'pass' ? 'Attest again' : 'Attest'}</summary>
            {refused?.form === 'attest' ? <RefusedNotice item={item.id} text={refused.text} /> : null}
            <form method="post" action={`${base}/attest`} class="act">
              <CsrfField session={session} />
              <input type="hidden" name="env" value={environment} />
              <input type="hidden" name="item" value={item.id} />
              {item.kind === 'field' ? (
                <label>
                  Value
                  <input name="value" required value={typed('attest', 'value')} />
                </label>
              ) : null}
              <label>
                Evidence
                <input
                  name="evidence"
                  required
                  placeholder="What shows it holds: a link, a ticket, a sentence"
                  value={typed('attest', 'evidence')}
                />
              </label>
              <label>
                Valid for (optional)
                <input name="valid_for" placeholder="e.g. 90d" value={typed('attest', 'valid_for')} />
              </label>
              <button type="submit">Attest</button>
            </form>
          </details>
        ) : null}
        {showWaive ? (
          <details open={refused?.form === 'waive'}>
            <summary>Waive</summary>
            {refused?.form === 'waive' ? <RefusedNotice item={item.id} text={refused.text} /> : null}
            <form method="post" action={`${base}/waive`} class="act">
              <CsrfField session={session} />
              <input type="hidden" name="env" value={environment} />
              <input type="hidden" name="item" value={item.id} />
              <label>
                Reason
                <input name="reason" required value={typed('waive', 'reason')} />
              </label>
              <label>
                Owner
                <input name="owner" required value={typed('waive', 'owner')} />
              </label>
              <label>
                Expires (date or days)
                <input name="expires" required value={typed('waive', 'expires') ?? '14d'} />
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
