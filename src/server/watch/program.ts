import type { Checklist, Item } from '../../model/checklist.js';
import type { ItemStatus } from '../../model/status.js';
import type { EvaluatedItem, Evaluation } from '../../model/verdict.js';

/**
 * The post-launch program view (seed 001): items grouped by track (the top-level section under the
 * document title), then by due window (`0–14 days`, `15–90 days`, or a due date), overdue first.
 */

/** One item of the program. */
export interface ProgramItem {
  id: string;
  title: string;
  status: ItemStatus;
  message: string;
  due: string | null;
  overdue: boolean;
  /** Whole days past the due date (overdue items only). */
  daysLate: number;
  owner: string | null;
  kind: Item['kind'];
  /** Recurring reviews: the period; `due` is the next due date. */
  recurs?: string;
}

/** Items sharing a due window within a track. */
export interface ProgramWindow {
  /** `0–14 Gün (P0)`, `due 2026-02-01`, or `No due date`. */
  label: string;
  /** End of the window (YYYY-MM-DD), when known. */
  due: string | null;
  items: ProgramItem[];
  overdue: number;
  done: number;
}

/** A track: a top-level section of the program. */
export interface ProgramTrack {
  title: string;
  windows: ProgramWindow[];
  overdue: number;
  done: number;
  total: number;
}

/** The whole program at one moment. */
export interface ProgramView {
  checklist: string;
  environment: string;
  launch: string | null;
  /** Days since launch (negative before it), when `launch` is set. */
  day: number | null;
  tracks: ProgramTrack[];
  overdue: number;
  done: number;
  total: number;
}

const DAY = 86_400_000;
const PROGRAM_KINDS: ReadonlySet<Item['kind']> = new Set(['task', 'field', 'workstream', 'review']);
const DONE: ReadonlySet<ItemStatus> = new Set(['pass', 'waived', 'skipped']);

/** Sections every item shares (the document title): tracks start below them. */
function commonPrefix(items: readonly Item[]): number {
  if (items.length === 0) return 0;
  const first = items[0]!.section;
  let n = 0;
  // Keep at least one level for the track name.
  while (n < first.length - 1 && items.every((i) => i.section.length > n + 1 && i.section[n] === first[n]))
    n++;
  return n;
}

function windowOf(item: Item, evaluated: EvaluatedItem): { label: string; order: number } {
  const days = item.recurs ? /^(\d+)d$/.exec(item.recurs) : null;
  // Recurring reviews sit together after the windows, shortest period first.
  if (days) return { label: 'Recurring', order: 1e9 };
  const due = item.due;
  if (due?.source === 'heading')
    return { label: due.text, order: due.offsetDays ?? due.fromDays ?? Number.MAX_SAFE_INTEGER };
  if (evaluated.due) return { label: `due ${evaluated.due}`, order: Date.parse(evaluated.due) / DAY };
  return { label: 'No due date', order: Number.POSITIVE_INFINITY };
}

/**
 * Build the program view of an evaluation: tracks with overdue items first, windows in due order, items
 * overdue first (most late first), then by due date, then as in the document.
 * @example const view = programView(checklist, evaluation, new Date());
 */
export function programView(checklist: Checklist, evaluation: Evaluation, now: Date): ProgramView {
  // A launch checklist with a program after it (seed 004): the program is what follows the launch, plus
  // anything with a due date; a checklist without phases is all program (seed 001 before phases).
  const phased = checklist.items.some((i) => i.phase === 'post-launch');
  const items = checklist.items.filter(
    (i) => PROGRAM_KINDS.has(i.kind) && (!phased || i.phase === 'post-launch' || i.due !== undefined),
  );
  const byId = new Map(evaluation.items.map((e) => [e.id, e]));
  const skip = commonPrefix(items);
  const tracks = new Map<
    string,
    { track: ProgramTrack; windows: Map<string, ProgramWindow & { order: number }> }
  >();

  for (const item of items) {
    const e = byId.get(item.id);
    if (!e) continue;
    const title = item.track ?? item.section[skip] ?? checklist.name;
    let t = tracks.get(title);
    if (!t) {
      t = { track: { title, windows: [], overdue: 0, done: 0, total: 0 }, windows: new Map() };
      tracks.set(title, t);
    }
    const { label, order } = windowOf(item, e);
    let w = t.windows.get(label);
    if (!w) {
      w = { label, due: e.due, items: [], overdue: 0, done: 0, order };
      t.windows.set(label, w);
    }
    const daysLate =
      e.overdue && e.due ? Math.floor((now.getTime() - Date.parse(`${e.due}T23:59:59.999Z`)) / DAY) + 1 : 0;
    w.items.push({
      id: e.id,
      title: e.title,
      status: e.status,
      message: e.message,
      due: e.due,
      overdue: e.overdue,
      daysLate,
      owner: e.owner,
      kind: item.kind,
      ...(item.recurs ? { recurs: item.recurs } : {}),
    });
    if (w.due === null || (e.due !== null && e.due > w.due)) w.due = e.due;
    const done = DONE.has(e.status);
    for (const acc of [w, t.track]) {
      if (e.overdue) acc.overdue++;
      if (done) acc.done++;
    }
    t.track.total++;
  }

  const ordered = [...tracks.values()].map(({ track, windows }) => {
    track.windows = [...windows.values()]
      .sort((a, b) => a.order - b.order)
      .map(({ order: _order, ...w }) => {
        w.items.sort(
          (a, b) =>
            Number(b.overdue) - Number(a.overdue) ||
            b.daysLate - a.daysLate ||
            (a.due ?? '\uffff').localeCompare(b.due ?? '\uffff'),
        );
        return w;
      });
    return track;
  });
  // Array.prototype.sort is stable: tracks without overdue items keep document order.
  ordered.sort((a, b) => Number(b.overdue > 0) - Number(a.overdue > 0));

  const launch = checklist.launch ?? null;
  const day = launch ? Math.floor((now.getTime() - Date.parse(`${launch}T00:00:00Z`)) / DAY) : null;
  return {
    checklist: checklist.id,
    environment: evaluation.environment,
    launch,
    day,
    tracks: ordered,
    overdue: ordered.reduce((n, t) => n + t.overdue, 0),
    done: ordered.reduce((n, t) => n + t.done, 0),
    total: ordered.reduce((n, t) => n + t.total, 0),
  };
}

/** Whether a checklist is a program worth the program view: some item has a due date or recurs. */
export function isProgram(checklist: Pick<Checklist, 'items'>): boolean {
  return checklist.items.some((i) => i.due !== undefined || i.recurs !== undefined);
}
