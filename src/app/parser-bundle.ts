import { join } from 'node:path';
import type { ChecklistReply, ReadChecklistInput } from '../markdown/read-checklist.js';
import type { Checklist } from '../model/checklist.js';
import { ValidationErrors } from '../model/errors.js';
import { type LoadedBundle, loadBundle } from './code-cache.js';

/** Where the build puts the parser's bundle, under the folder of the running code (dist/). */
export const PARSER_BUNDLE = join('parser', 'read-checklist.cjs');

type Read = (input: ReadChecklistInput) => ChecklistReply;

let parser: Read | null | undefined;
let parserCache: LoadedBundle<unknown>['cache'] | undefined;

/** Whether this process's parser bundle was compiled from its code cache; undefined before it loads. */
export const parserBundleCache = () => parserCache;

/**
 * readChecklist from the build's parser bundle, compiled with its code cache: the same checklist, or the
 * same ValidationErrors, as the parser's ES module gives. Undefined when there is no bundle (the code runs
 * from the sources) or it cannot be loaded: the caller then reads with the module.
 * @example const checklist = readWithBundle(dist, { bytes, file, kinds }) ?? readChecklist(input);
 */
export function readWithBundle(codeRoot: string, input: ReadChecklistInput): Checklist | undefined {
  if (parser === undefined) {
    try {
      const loaded = loadBundle<{ read?: Read }>(join(codeRoot, PARSER_BUNDLE));
      parserCache = loaded.cache;
      parser = loaded.exports.read ?? null;
    } catch {
      parser = null;
    }
  }
  if (!parser) return undefined;
  const reply = parser(input);
  if ('checklist' in reply) return reply.checklist;
  throw ValidationErrors.fromData(reply.errors);
}
