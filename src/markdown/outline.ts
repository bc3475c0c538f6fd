import type { Code, Heading, List, ListItem, Nodes, RootContent } from 'mdast';
import type { DueSpec, ItemKind, Phase, Polarity, Section, Warning } from '../model/checklist.js';
import { describe } from './description.js';
import { parseAnnotation, windowFromHeading } from './due.js';
import { cadenceOf, isAfterLaunchHeading, isRhythmHeading } from './phases.js';
import { plainText, proseText } from './plain-text.js';
import { fold, slugify } from './slug.js';

/** An item as found in the document, before ids, checks and bindings are settled. */
export interface Draft {
  /** The item's nested content as Markdown (see `describe`): taken at once, so the tree can be dropped. */
  description: string;
  kind: ItemKind;
  title: string;
  /** The text the id is made from: the title, or a sign-off slot's label. */
  slugText: string;
  /** `{#id}` written at the end of the item text. */
  pin?: string;
  checked: boolean;
  section: string[];
  /** Slug of the innermost heading above the item; undefined above the first heading. */
  sectionSlug?: string;
  polarity?: Polarity;
  role?: string;
  /** Due window of the innermost day-range heading above the item. */
  window?: DueSpec;
  /** From the headings above it (front matter `phases:` may still override). */
  phase: Phase;
  /** A cadence word the item (or its bold label) starts with: `7d`, `14d`, ... or `regular`. */
  recurs?: string;
  /** Workstream items: the heading enclosing their day-range heading. */
  track?: string;
  /** The last `<!-- due: ... owner: ... -->` comment in the item text. */
  annotation?: { due?: string; owner?: string; line: number; column: number };
  checkBlocks: Code[];
  line: number;
  column: number;
}

/** What a walk over the document finds. */
export interface Outline {
  sections: Section[];
  drafts: Draft[];
  /** Text of the first level-1 heading. */
  h1?: string;
  warnings: Warning[];
}

interface OpenHeading {
  depth: number;
  title: string;
  slug: string;
  window?: DueSpec;
  signoff: boolean;
  /** Names the time after the launch (a day range counts). */
  after: boolean;
  rhythm: boolean;
}

const SIGNOFF_HEADING = /\b(sign[\s-]?offs?|onay(lar|lari)?|approvals?)\b/;
const ACCEPTANCE = /\b(acceptance|exit)\s+criteria\b|\bkabul\s+kriterleri\b/;
const ADVISORY = /\((?:optional|opsiyonel|if applicable)\)/i;
const BLANK = /_{3,}/;
const IMMEDIATE = /^(immediate(ly)?|hemen)\b/;
const PIN = /\s*\{#([^\s{}]*)\}\s*$/;

/**
 * Polarity of a criteria heading (level >= 2): `GO`, `NO-GO`, `GO/NO-GO`, acceptance or exit criteria,
 * `Kabul Kriterleri`; emoji and punctuation ignored. Undefined for other headings.
 */
export function criteriaPolarity(title: string, depth: number): Polarity | undefined {
  if (depth < 2) return undefined;
  const text = title
    .replace(/\p{Extended_Pictographic}|\p{So}|\uFE0F|\u200D/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const folded = fold(text);
  if (/\bgo\s*\/\s*no[\s-]?go\b/.test(folded)) return 'go';
  if (/^no[\s-]?go\b/.test(folded)) return 'nogo';
  // A bare GO must be written in capitals: "Go live" or "Goals" are not criteria.
  if (/^GO(?=$|[\s:([.,!–—])/.test(text)) return 'go';
  if (ACCEPTANCE.test(folded)) return /\bno[\s-]?go\b/.test(folded) ? 'nogo' : 'go';
  return undefined;
}

/** Label and role of a sign-off slot like `Engineering Lead: ____ Date: ____` (role: its first word). */
export function signoffSlot(title: string): { label: string; role: string } | undefined {
  const label = /^(.*?)\s*:?\s*_{3,}/.exec(title)?.[1]?.replace(/[:\s]+$/, '');
  const role = slugify(label?.split(/\s+/)[0] ?? '');
  return label && role ? { label, role } : undefined;
}

/**
 * Walk the Markdown tree: sections, items (task, field, sign-off, criterion), check blocks. The top-level
 * nodes are given one at a time, in document order, to `add` (so a long document's tree can be walked
 * piece by piece as it is parsed); `text` is the whole text, which positions index. `continues` says a
 * list goes on with the previous top-level list (one list cut into pieces, see pieces.ts).
 * @example const walk = outline(text); for (const node of root.children) walk.add(node);
 */
export function outline(text: string): {
  add(node: RootContent, continues?: boolean): void;
  out: Outline;
} {
  const out: Outline = { sections: [], drafts: [], warnings: [] };
  const open: OpenHeading[] = [];
  let criteria: { polarity: Polarity } | undefined;

  // Where an item sits depends only on the open headings: worked out once per heading, not per item (a
  // flat checklist has thousands under one). Items under the same headings share its `section` array,
  // as they do when read back from the parse cache (cache-entry.ts).
  let placed: ReturnType<typeof place> | undefined;
  const sectionOf = () => {
    placed ??= place();
    return placed;
  };
  const place = () => ({
    section: open.map((h) => h.title),
    sectionSlug: open.at(-1)?.slug,
    window: [...open].reverse().find((h) => h.window)?.window,
    // A document titled "Launch approvals" is not one sign-off section: only a section heading (level 2
    // or deeper), or the innermost heading, makes its blanks sign-off slots; elsewhere they are fields.
    signoff: open.some((h) => h.signoff && h.depth >= 2) || open.at(-1)?.signoff === true,
    phase: (open.some((h) => h.after) ? 'post-launch' : 'pre-launch') as Phase,
  });

  const draftOf = (node: ListItem, polarity?: Polarity, kind?: 'workstream' | 'review'): Draft => {
    const first = node.children[0];
    const inline = first?.type === 'paragraph' ? first.children : [];
    let title = plainText(inline);
    let pin: string | undefined;
    const pinned = PIN.exec(title);
    if (pinned) {
      pin = pinned[1];
      title = title.slice(0, pinned.index).trim();
    }
    const where = sectionOf();
    const draft: Draft = {
      description: describe(node, text),
      kind: kind ?? (polarity ? 'criterion' : 'task'),
      title,
      slugText: title,
      checked: node.checked === true,
      section: where.section,
      checkBlocks: [],
      line: node.position?.start.line ?? 1,
      column: node.position?.start.column ?? 1,
      // Program work and recurring reviews follow the launch, whatever the headings say.
      phase: kind ? 'post-launch' : where.phase,
    };
    if (where.sectionSlug !== undefined) draft.sectionSlug = where.sectionSlug;
    if (pin !== undefined) draft.pin = pin;
    if (where.window) draft.window = where.window;
    if (kind === 'workstream' && open.length > 1) draft.track = open.at(-2)!.title;
    if (kind === 'review') draft.recurs = reviewCadence(node);
    else if (!kind && !polarity) {
      const recurs = cadenceOf(title);
      if (recurs) {
        draft.recurs = recurs;
        draft.phase = 'post-launch';
      }
    }
    if (kind) {
      // Not a task: no sign-off slot or field, whatever its text holds.
    } else if (polarity) draft.polarity = polarity;
    else if (BLANK.test(proseText(inline))) {
      const slot = where.signoff ? signoffSlot(title) : undefined;
      if (slot) {
        draft.kind = 'signoff';
        draft.role = slot.role;
        draft.slugText = slot.label;
      } else draft.kind = 'field';
    }
    for (const node of inline) {
      if (node.type !== 'html') continue;
      const annotation = parseAnnotation(node.value);
      if (annotation) {
        draft.annotation = {
          ...annotation,
          line: node.position?.start.line ?? draft.line,
          column: node.position?.start.column ?? draft.column,
        };
      }
    }
    out.drafts.push(draft);
    return draft;
  };

  /** Polarity of the items of the last top-level list (a list cut into pieces goes on with it). */
  let rootPolarity: Polarity | undefined;
  const visitList = (list: List, owner: Draft | undefined, atRoot: boolean, continues = false) => {
    const polarity = continues ? rootPolarity : atRoot && criteria ? criteria.polarity : undefined;
    if (atRoot) {
      criteria = undefined;
      rootPolarity = polarity;
    }
    const here = atRoot ? open.at(-1) : undefined;
    for (const item of list.children) {
      let next = owner;
      if (item.checked === true || item.checked === false) next = draftOf(item);
      else if (polarity) next = draftOf(item, polarity);
      else if (here?.window) next = draftOf(item, undefined, 'workstream');
      else if (here?.rhythm && reviewCadence(item)) next = draftOf(item, undefined, 'review');
      for (const child of item.children) visit(child, next, false);
    }
  };

  const visitHeading = (node: Heading) => {
    const title = plainText(node.children);
    while (open.length > 0 && open.at(-1)!.depth >= node.depth) open.pop();
    placed = undefined;
    const slug = slugify(title) || 'section';
    // `Immediate` under a post-launch heading is the launch day itself.
    const window =
      windowFromHeading(title) ??
      (open.some((h) => h.after) && IMMEDIATE.test(fold(title))
        ? { fromDays: 0, offsetDays: 0, source: 'heading' as const, text: title }
        : undefined);
    open.push({
      depth: node.depth,
      title,
      slug,
      signoff: SIGNOFF_HEADING.test(fold(title)),
      after: window !== undefined || isAfterLaunchHeading(title),
      rhythm: isRhythmHeading(title),
      ...(window ? { window } : {}),
    });
    out.sections.push({ title, slug, depth: node.depth, line: node.position?.start.line ?? 1 });
    if (node.depth === 1 && out.h1 === undefined && title) out.h1 = title;
    const polarity = criteriaPolarity(title, node.depth);
    criteria = polarity ? { polarity } : undefined;
  };

  const visit = (node: Nodes, owner: Draft | undefined, atRoot: boolean): void => {
    switch (node.type) {
      case 'heading':
        visitHeading(node);
        return;
      case 'list':
        visitList(node, owner, atRoot);
        return;
      case 'code':
        if (node.lang === 'check') {
          if (owner) owner.checkBlocks.push(node);
          else {
            out.warnings.push({
              message: 'check block is not inside a checklist item and is ignored; indent it under the item',
              line: node.position?.start.line ?? 1,
              column: node.position?.start.column ?? 1,
            });
          }
        }
        return;
      case 'blockquote':
      case 'footnoteDefinition':
        for (const child of node.children) visit(child, owner, false);
        return;
      default:
        return;
    }
  };
  return {
    add: (node, continues = false) =>
      continues && node.type === 'list'
        ? visitList(node, undefined, true, true)
        : visit(node, undefined, true),
    out,
  };
}

/** The cadence of a plain bullet's bold label (`**Haftalık (30 dk):** ...` -> `7d`), if it has one. */
function reviewCadence(node: ListItem): string | undefined {
  const first = node.children[0];
  const lead = first?.type === 'paragraph' ? first.children[0] : undefined;
  return lead?.type === 'strong' ? cadenceOf(plainText(lead.children)) : undefined;
}

/** True when the item's title marks it advisory: `(optional)`, `(opsiyonel)` or `(if applicable)`. */
export function isAdvisoryTitle(title: string): boolean {
  return ADVISORY.test(title);
}
