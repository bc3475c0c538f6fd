// The entry of dist/parser/read-checklist.cjs (scripts/build.mjs): readChecklist as one self-contained
// CommonJS file, which the CLI loads with V8's code cache (code-cache.ts, parser-bundle.ts). It has its
// own copy of the model's classes, so what it gives back is plain data: the checklist, or the located
// problems (as read-worker.ts answers from a worker thread), never one of its own error objects.

import { type ReadChecklistInput, readChecklist } from '../markdown/read-checklist.js';
import type { ReadReply } from '../markdown/read-worker.js';
import { ValidationErrors } from '../model/errors.js';

/** The checklist, or its located problems. */
export type BundledReply = Exclude<ReadReply, { failed: string }>;

/** readChecklist, its ValidationErrors given back as data (anything else it throws is thrown). */
export function read(input: ReadChecklistInput): BundledReply {
  try {
    return { checklist: readChecklist(input) };
  } catch (err) {
    if (!(err instanceof ValidationErrors)) throw err;
    return { errors: err.errors.map((e) => ({ message: e.message, position: e.position })) };
  }
}
