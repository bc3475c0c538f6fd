import type { FC } from 'hono/jsx';
import type { RunRecord } from '../../../engine/store.js';
import { describeTampered, type TamperedRow } from '../../../model/audit.js';
import type { Checklist } from '../../../model/checklist.js';
import type { EvaluatedItem, Evaluation } from '../../../model/verdict.js';
import { signerOf } from '../../../model/verdict.js';
import {
  blockingProgress,
  Counts,
  CsrfField,
  Layout,
  type PageContext,
  ProgressBar,
  query as q,
  relativeTime,
  StatusChip,
  shortTime,
  VerdictBadge,
} from '../components.js';
import type { Session } from '../sessions.js';
import {
  FilterForm,
  type Filters,
  GoBanner,
  groupSections,
  itemLabels,
  matches,
  ReasonList,
} from './checklist-parts.js';
import { ItemRow, type Permissions, type WindowHistory } from './item-row.js';

/** Items in runs of the same section path (below the document title, which is the page title already). */
function sectionsOf(
  checklist: Checklist,
  items: EvaluatedItem[],
): { title: string; items: EvaluatedItem[] }[] {
  const sections: { title: string; items: EvaluatedItem[] }[] = [];
  for (const item of items) {
    const path =
      item.section.length > 1 && item.section[0] === checklist.name ? item.section.slice(1) : item.section;
    const title = path.length > 0 ? path.join(' › ') : checklist.name;
    const last = sections.find((s) => s.title === title);
    if (last) last.items.push(item);
    else sections.push({ title, items: [item] });
  }
  return sections;
}

/** One checklist for one environment: verdict, reasons, sign-offs, items by section, actions. */
export const ChecklistPage: FC<{
  ctx: PageContext & { session: Session };
  checklist: Checklist;
  environment: string;
  environments: string[];
  evaluation: Evaluation;
  latest?: RunRecord;
  /** State rows the audit chain does not vouch for (left out of the verdict). */
  tampered?: readonly TamperedRow[];
  history: Map<string, WindowHistory>;
  can: Permissions;
  now: Date;
  /** Language of the checklist's text (`tr`, `en`), for the page's `lang`. */
  lang: string;
  filters: Filters;
  /** Items that look automatable but have no check, and the file (relative to the checklists directory). */
  automatable?: { count: number; file: string };
}> = ({
  ctx,
  checklist,
  environment,
  environments,
  evaluation,
  latest,
  tampered = [],
  history,
  can,
  now,
  lang,
  filters,
  automatable,
}) => {
  const base = `/checklists/${encodeURIComponent(checklist.id)}`;
  const progress = blockingProgress(evaluation.items);
  const clear = progress.parts.pass + progress.parts.waived + progress.parts.skipped;
  const model = new Map(checklist.items.map((i) => [i.id, i]));
  const filtered = Object.keys(filters).length > 0;
  const shown = evaluation.items.filter((i) => matches(i, filters));
  const labels = itemLabels(evaluation.items);
  const shownIds = new Set(shown.map((i) => i.id));
  // A reason's item may be filtered out: then its link leads to the unfiltered page.
  const itemHref = (id: string) =>
    `${shownIds.has(id) ? '' : `${base}${q({ env: environment })}`}#item-${id}`;
  const gate = shown.filter((i) => i.phase !== 'post-launch');
  const after = shown.filter((i) => i.phase === 'post-launch');
  // The gate's sections needing attention come first (and open); clear ones are collapsed.
  const sections = groupSections(gate, checklist.name);
  // Once launched, the program's overdue items come first.
  const afterSections = sectionsOf(
    checklist,
    evaluation.launched ? [...after].sort((a, b) => Number(b.overdue) - Number(a.overdue)) : after,
  );
  const row = (item: EvaluatedItem) => (
    <ItemRow
      item={item}
      label={labels.get(item.id) ?? item.title}
      model={model.get(item.id)}
      history={history.get(item.id)}
      can={can}
      base={base}
      environment={environment}
      session={ctx.session}
      now={now}
      {...(ctx.flash?.refused?.item === item.id
        ? { refused: { ...ctx.flash.refused, text: ctx.flash.text } }
        : {})}
    />
  );
  const blockingReasons = evaluation.reasons;
  return (
    <Layout ctx={ctx} title={`${checklist.name} (${environment})`} lang={lang}>
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
      {tampered.length > 0 ? (
        <div class="card stack" role="alert" data-tampered={tampered.length}>
          <strong>
            Tampered state: {tampered.length} row{tampered.length === 1 ? '' : 's'} the audit log does not
            vouch for, left out of the verdict
          </strong>
          <ul>
            {tampered.map((t) => (
              <li>tampered state: {describeTampered(t)}</li>
            ))}
          </ul>
        </div>
      ) : null}
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
        {evaluation.verdict === 'GO' ? (
          <GoBanner evaluation={evaluation} now={now} itemHref={itemHref} />
        ) : null}
        {blockingReasons.length > 0 ? (
          <details open={evaluation.verdict === 'NO-GO' && blockingReasons.length <= 12}>
            <summary>
              {evaluation.verdict === 'NO-GO' ? 'Why NO-GO' : 'Notes'}: {blockingReasons.length} reason
              {blockingReasons.length === 1 ? '' : 's'}
            </summary>
            <ReasonList reasons={blockingReasons} itemHref={itemHref} />
          </details>
        ) : null}
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
                  ? `signed by ${signerOf(s.signed)}, ${shortTime(s.signed.at)}`
                  : s.stale
                    ? s.currentEvidence === false && s.stale.digest === checklist.digest
                      ? `signed by ${signerOf(s.stale)} on different evidence: sign again`
                      : `signed by ${signerOf(s.stale)} for an earlier version: sign again`
                    : 'awaiting sign-off'}
              </div>
              {(s.signed ?? s.stale)?.evidence ? (
                <div class="sub" data-evidence={s.currentEvidence ? 'current' : 'changed'}>
                  evidence <span class="mono">{(s.signed ?? s.stale)!.evidence!.slice(7, 19)}</span>
                  {s.currentEvidence === false ? ' · signed on different evidence' : ' · current'}
                </div>
              ) : null}
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

      <h2>Items</h2>
      {automatable ? (
        <p class="sub" data-automatable-unbound={automatable.count}>
          {automatable.count} item{automatable.count === 1 ? ' looks' : 's look'} automatable but{' '}
          {automatable.count === 1 ? 'has' : 'have'} no check — run{' '}
          <code>gonogo suggest {automatable.file}</code>
        </p>
      ) : null}
      <FilterForm
        items={evaluation.items}
        filters={filters}
        environment={environment}
        base={base}
        shown={shown.length}
      />
      {shown.length === 0 ? <p class="sub">No item matches these filters.</p> : null}
      {sections.map((section) => (
        <details class="section" open={filtered || section.attention > 0} data-section={section.title}>
          <summary>
            <h3>{section.title}</h3>{' '}
            <span class="sub">
              {section.items.length} item{section.items.length === 1 ? '' : 's'}
              {section.attention > 0 ? ` · ${section.attention} blocking` : ' · clear'}
            </span>
          </summary>
          <ul class="items">{section.items.map(row)}</ul>
        </details>
      ))}

      {after.length > 0 ? (
        <section class="after-launch" id="after-launch">
          <h2>After launch</h2>
          <p class="sub">
            {after.length} item{after.length === 1 ? '' : 's'} of the program that follows the launch,{' '}
            {after.filter((i) => i.overdue).length} overdue
            {evaluation.launched ? ` (launched ${checklist.launch})` : ''}. They never block the verdict.
          </p>
          {afterSections.map((section) => (
            <section>
              <h3>{section.title}</h3>
              <ul class="items">{section.items.map(row)}</ul>
            </section>
          ))}
        </section>
      ) : null}
    </Layout>
  );
};
