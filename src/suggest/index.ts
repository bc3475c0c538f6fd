export { renderBindings } from './render.js';
export type { CheckBlock, ItemText, Proposal, Rule } from './rule.js';
export { type Suggestion, type SuggestResult, suggest } from './suggest.js';
