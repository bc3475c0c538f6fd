export { type ReadChecklistInput, readChecklist } from './read-checklist.js';
export { type ReadAsyncOptions, readChecklistAsync, WORKER_CHARS } from './read-in-worker.js';
export { type RepairResult, repairText } from './repair.js';
export { fold, slugify } from './slug.js';
