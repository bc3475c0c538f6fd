// The worker thread of read-in-worker.ts: readChecklist, off the caller's thread. The worker runs this
// very module, wherever it is (src/ from the sources, whichever chunk a bundler put it in), so no path to
// a separate script has to survive a build. Loaded in any other thread, or by a worker that was not given
// a read job, it does nothing but export its own address. The module doing the work is imported inside
// the try, so that even a failure to load it is reported (the caller then reads in its own thread)
// rather than leaving the caller waiting.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { ChecklistReply, ReadChecklistInput } from './read-checklist.js';

/** What the worker is given. */
export interface ReadJob {
  input: ReadChecklistInput;
  /** Tells read-worker.ts, loaded in a worker, that it has a job. */
  readJob: true;
}

/** What the worker answers: the checklist, its located problems, or why it could not read it at all. */
export type ReadReply = ChecklistReply | { failed: string };

/** The module a worker runs to read a checklist: this one. */
export const READ_WORKER = new URL(import.meta.url);

async function work({ input }: ReadJob): Promise<void> {
  const reply = (message: ReadReply) => parentPort?.postMessage(message);
  try {
    const { readChecklistReply } = await import('./read-checklist.js');
    reply(readChecklistReply(input));
  } catch (err) {
    reply({ failed: err instanceof Error ? err.message : String(err) });
  }
}

if (!isMainThread && (workerData as Partial<ReadJob> | null)?.readJob === true) {
  void work(workerData as ReadJob);
}
