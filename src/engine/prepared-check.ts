import type { Item } from '../model/checklist.js';
import type { CheckDefinition } from './check.js';
import type { Condition } from './conditions.js';

/**
 * What a prepared check holds besides its item and target: kind, options, conditions, limits, host key
 * and known secrets. The checks of a long checklist mostly have all of these alike (one kind, no options
 * of their own, one `expect` list, one host), and a run holds every prepared check at once: as fields of
 * each check they were ~60 bytes a check copied and promoted by the GC before the first request
 * (bench/README "branch open21"). Frozen: shared by every check that has these values.
 */
export interface CheckCommon {
  readonly def: CheckDefinition<unknown, unknown>;
  readonly options: unknown;
  readonly conditions: Condition[];
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly host: string | undefined;
  readonly known: Map<string, string>;
}

/** The last common part made, to be given again to the next check with the same values. */
export interface CommonMemo {
  last: CheckCommon | undefined;
}

/** `common` as one frozen object: the memo's last when every value is the same, else a new one. */
export function sharedCommon(common: CheckCommon, memo: CommonMemo | undefined): CheckCommon {
  const last = memo?.last;
  if (
    last !== undefined &&
    last.def === common.def &&
    last.options === common.options &&
    last.conditions === common.conditions &&
    last.timeoutMs === common.timeoutMs &&
    last.retries === common.retries &&
    last.retryDelayMs === common.retryDelayMs &&
    last.host === common.host &&
    last.known === common.known
  ) {
    return last;
  }
  const made = Object.freeze(common);
  if (memo) memo.last = made;
  return made;
}

/**
 * A prepared check (prepare.ts `PreparedCheck`, not a runner's): its item, its target, and the part it
 * may share with other checks (`CheckCommon`), read through getters. Read only, as every prepared check
 * is once made.
 */
export class LeanPreparedCheck {
  readonly item: Item;
  readonly target: unknown;
  readonly #common: CheckCommon;

  constructor(item: Item, target: unknown, common: CheckCommon) {
    this.item = item;
    this.target = target;
    this.#common = common;
  }

  get def(): CheckCommon['def'] {
    return this.#common.def;
  }
  get options(): unknown {
    return this.#common.options;
  }
  get conditions(): Condition[] {
    return this.#common.conditions;
  }
  get timeoutMs(): number {
    return this.#common.timeoutMs;
  }
  get retries(): number {
    return this.#common.retries;
  }
  get retryDelayMs(): number {
    return this.#common.retryDelayMs;
  }
  get host(): string | undefined {
    return this.#common.host;
  }
  get known(): Map<string, string> {
    return this.#common.known;
  }
}
