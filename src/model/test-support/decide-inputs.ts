import type { Checklist, Item } from '../checklist.js';

/** An unchecked blocking task of section S for decide's tests, `over` replacing any field. */
export function taskItem(id: string, over: Partial<Item> = {}): Item {
  return {
    id,
    title: id,
    kind: 'task',
    section: ['S'],
    checked: false,
    blocking: true,
    check: null,
    line: 1,
    column: 1,
    description: '',
    ...over,
  };
}

/** Checklist `c` (environment `default`, launched 2026-11-01) over `items`, with the sign-off roles given. */
export function decideChecklist(items: Item[], signoffs: string[] = []): Checklist {
  return {
    id: 'c',
    name: 'C',
    digest: 'sha256:new',
    environments: { default: {} },
    policy: { waiver_max_days: 30, signoffs },
    notify: [],
    sections: [],
    items,
    signoffs,
    warnings: [],
    launch: '2026-11-01',
  };
}
