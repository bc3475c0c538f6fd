import type { FC } from 'hono/jsx';
import { NON_BLOCKING_STATUSES } from '../../../model/status.js';
import type { EvaluatedItem, Evaluation, Reason } from '../../../model/verdict.js';
import { relativeTime, shortTime } from '../components.js';

/**
 * Item fields the checklist page filters by (`?status=fail&kind=field`). Generic: a field an item does
 * not carry (such as `phase` before phases exist) simply offers no choice.
 */
export const FILTER_FIELDS = ['status', 'kind', 'phase'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];
export type Filters = Partial<Record<FilterField, string>>;

const fieldOf = (item: EvaluatedItem, field: FilterField): string | undefined => {
  const v = (item as unknown as Record<string, unknown>)[field];
  return typeof v === 'string' ? v : undefined;
};

/** The filters of a request's query (unknown values are kept: they match nothing, and say so). */
export function readFilters(query: (name: string) => string | undefined): Filters {
  const out: Filters = {};
  for (const f of FILTER_FIELDS) {
    const v = query(f);
    if (v) out[f] = v;
  }
  return out;
}

/** Whether an item matches every filter. */
export function matches(item: EvaluatedItem, filters: Filters): boolean {
  return FILTER_FIELDS.every((f) => filters[f] === undefined || fieldOf(item, f) === filters[f]);
}

/** An item that keeps the launch from GO: blocking and not pass, waived or skipped. */
export const needsAttention = (item: EvaluatedItem) =>
  item.blocking && item.kind !== 'signoff' && !NON_BLOCKING_STATUSES.has(item.status);

/** A section of the page: its heading path and items, and whether any of them needs attention. */
export interface PageSection {
  title: string;
  items: EvaluatedItem[];
  attention: number;
}

/**
 * Items grouped by section (document order), sections needing attention first: a launch owner opens
 * the page to see what blocks, not the 120 items that are fine.
 */
export function groupSections(items: EvaluatedItem[], checklistName: string): PageSection[] {
  const sections: PageSection[] = [];
  for (const item of items) {
    // The document's title heading is the page title already; sections show the path below it.
    const path =
      item.section.length > 1 && item.section[0] === checklistName ? item.section.slice(1) : item.section;
    const title = path.length > 0 ? path.join(' › ') : checklistName;
    // A heading path that comes back later in the document joins its first section.
    const last = sections.find((s) => s.title === title);
    if (last) last.items.push(item);
    else sections.push({ title, items: [item], attention: 0 });
  }
  for (const s of sections) s.attention = s.items.filter(needsAttention).length;
  return [...sections.filter((s) => s.attention > 0), ...sections.filter((s) => s.attention === 0)];
}

/**
 * Names for each item's controls ("Attest: Backups restored"): the title, with the id added where two
 * items share a title, so every disclosure has a distinct accessible name.
 */
export function itemLabels(items: EvaluatedItem[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const i of items) count.set(i.title, (count.get(i.title) ?? 0) + 1);
  return new Map(items.map((i) => [i.id, count.get(i.title)! > 1 ? `${i.title} (${i.id})` : i.title]));
}

/** The filter form: plain GET, so it works without JavaScript and the URL can be shared. */
export const FilterForm: FC<{
  items: EvaluatedItem[];
  filters: Filters;
  environment: string;
  base: string;
  shown: number;
}> = ({ items, filters, environment, base, shown }) => {
  const choices = FILTER_FIELDS.map((field) => {
    const counts = new Map<string, number>();
    for (const item of items) {
      const v = fieldOf(item, field);
      if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    return { field, counts: [...counts.entries()] };
    // Status is always offered (a launch owner looks for it); other fields once they tell items apart.
  }).filter((c) => c.field === 'status' || c.counts.length > 1 || filters[c.field] !== undefined);
  const active = Object.keys(filters).length > 0;
  return (
    <form method="get" action={base} class="filters" aria-label="Filter items">
      <input type="hidden" name="env" value={environment} />
      {choices.map(({ field, counts }) => (
        <label>
          {field}
          <select name={field}>
            <option value="">any</option>
            {counts.map(([v, n]) => (
              <option value={v} selected={filters[field] === v}>{`${v} (${n})`}</option>
            ))}
          </select>
        </label>
      ))}
      <button type="submit" class="quiet">
        Filter
      </button>
      {active ? (
        <p class="sub" role="status">
          Showing {shown} of {items.length} items ·{' '}
          <a href={`${base}?env=${encodeURIComponent(environment)}`}>show all</a>
        </p>
      ) : null}
    </form>
  );
};

/** The reasons for NO-GO, each linked to its item on the page (or on the unfiltered page). */
export const ReasonList: FC<{ reasons: Reason[]; itemHref: (id: string) => string }> = ({
  reasons,
  itemHref,
}) => (
  <ol class="reasons">
    {reasons.map((r) => (
      <li>{r.item ? <a href={itemHref(r.item)}>{r.message}</a> : r.message}</li>
    ))}
  </ol>
);

/** On GO: what the GO rests on besides passing items, the active waivers and the sign-offs, by name. */
export const GoBanner: FC<{ evaluation: Evaluation; now: Date; itemHref: (id: string) => string }> = ({
  evaluation,
  now,
  itemHref,
}) => {
  const waived = evaluation.items.filter((i) => i.status === 'waived' && i.waiver);
  const signed = evaluation.signoffs.filter((s) => s.signed);
  return (
    <div class="notice ok go-banner" data-go-banner="">
      <p>
        <strong>GO</strong>: every blocking item is clear
        {evaluation.signoffs.length > 0 ? ' and every sign-off is in' : ''}.
      </p>
      {waived.length > 0 ? (
        <p>
          {waived.length === 1 ? '1 active waiver' : `${waived.length} active waivers`}:{' '}
          {waived.map((i, n) => (
            <>
              {n > 0 ? '; ' : ''}
              <a href={itemHref(i.id)}>{i.title}</a>
              {` (owner ${i.waiver!.owner}, expires ${relativeTime(i.waiver!.expiresAt, now)})`}
            </>
          ))}
        </p>
      ) : (
        <p>No waivers.</p>
      )}
      {signed.length > 0 ? (
        <p>
          Signed off:{' '}
          {signed.map((s) => `${s.role} by ${s.signed!.by} (${shortTime(s.signed!.at)})`).join('; ')}.
        </p>
      ) : null}
    </div>
  );
};
