// The entry of dist/parser/read-checklist.cjs (scripts/build.mjs): readChecklist as one self-contained
// CommonJS file, which the CLI loads with V8's code cache (code-cache.ts, parser-bundle.ts). It has its
// own copy of the model's classes, so what it gives back is plain data (readChecklistReply, as a worker
// thread answers too): the checklist, or the located problems, never one of its own error objects.

export { readChecklistReply as read } from '../markdown/read-checklist.js';
