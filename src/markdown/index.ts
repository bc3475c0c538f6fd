export { type ReadChecklistInput, readChecklist } from './read-checklist.js';
export { type RepairResult, repairText } from './repair.js';
export { fold, slugify } from './slug.js';
