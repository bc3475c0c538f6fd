import type { Checklist } from '../model/checklist.js';

/** Input of readChecklist. STUB: the markdown work replaces this file. */
export interface ReadChecklistInput {
  bytes: Uint8Array | string;
  file?: string;
  /** Registered check kind names: the YAML key of a check block that names one is the kind. */
  kinds: ReadonlySet<string>;
  bindings?: { text: string; file: string };
}

/** Read a Markdown checklist (repairing encoding) into the model. Throws ValidationErrors. */
export function readChecklist(_input: ReadChecklistInput): Checklist {
  throw new Error('not implemented yet');
}
