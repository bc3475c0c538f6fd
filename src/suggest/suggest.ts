import type { Checklist } from '../model/checklist.js';
import { humanWork } from './human-work.js';
import { itemText } from './item-text.js';
import type { CheckBlock, Rule } from './rule.js';
import { RULES } from './rules/index.js';

/** A check proposed for one item, with the rule that proposed it and the text it matched. */
export interface Suggestion {
  id: string;
  title: string;
  line: number;
  rule: string;
  matched: string;
  note?: string;
  check: CheckBlock;
}

/** What `suggest` found: the proposals, and how the other items were classified. */
export interface SuggestResult {
  suggestions: Suggestion[];
  /** Ids of items that are plainly human work (sign-offs, fields, criteria, "team trained"...). */
  human: string[];
  /** Ids of items that already have a check (inline or bound): nothing is proposed for them. */
  bound: string[];
  /** How many items the checklist has. */
  total: number;
}

/**
 * Propose checks for the items of a checklist a machine can verify. Deterministic: the same text gives
 * the same proposals. `text` is the checklist's repaired source, where item lines keep their backticks.
 * @example const { suggestions } = suggest(checklist, repairText(bytes).text);
 */
export function suggest(checklist: Checklist, text: string, rules: readonly Rule[] = RULES): SuggestResult {
  const lines = text.split('\n');
  const result: SuggestResult = { suggestions: [], human: [], bound: [], total: checklist.items.length };
  for (const item of checklist.items) {
    if (item.check || item.skip) {
      result.bound.push(item.id);
      continue;
    }
    const view = itemText(item, lines);
    if (humanWork(view)) {
      result.human.push(item.id);
      continue;
    }
    for (const rule of rules) {
      const proposal = rule.match(view);
      if (!proposal) continue;
      result.suggestions.push({
        id: item.id,
        title: item.title,
        line: item.line,
        rule: rule.name,
        matched: proposal.matched,
        ...(proposal.note ? { note: proposal.note } : {}),
        check: proposal.check,
      });
      break;
    }
  }
  return result;
}
