// The worker thread of a long checklist's parse when the build's parser bundle is there: the same job and
// reply as markdown/read-worker.ts, but the parser comes from dist/parser/read-checklist.cjs, compiled
// with its V8 code cache (code-cache.ts), instead of the parser's ES module chunks, which a new worker
// would compile from scratch (about a tenth of the worker's CPU on a 5,000-item checklist). A build entry
// of its own (scripts/build.mjs), so the worker loads this file and the code cache's loader, nothing more.
// Any failure is reported as `failed`: the caller then reads in its own thread, as with read-worker.ts.
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { ChecklistReply } from '../markdown/read-checklist.js';
import type { ReadJob, ReadReply } from '../markdown/read-worker.js';
import { loadBundle } from './code-cache.js';

/** dist/app/parser-worker.js beside dist/parser/read-checklist.cjs (PARSER_BUNDLE). */
const BUNDLE = new URL('../parser/read-checklist.cjs', import.meta.url);

function work({ input }: ReadJob): ReadReply {
  try {
    const { read } = loadBundle<{ read: (i: ReadJob['input']) => ChecklistReply }>(
      fileURLToPath(BUNDLE),
    ).exports;
    return read(input);
  } catch (err) {
    return { failed: err instanceof Error ? err.message : String(err) };
  }
}

if (!isMainThread && (workerData as Partial<ReadJob> | null)?.readJob === true) {
  parentPort?.postMessage(work(workerData as ReadJob));
}
