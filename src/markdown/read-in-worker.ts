import { Worker } from 'node:worker_threads';
import type { Checklist } from '../model/checklist.js';
import { ValidationErrors } from '../model/errors.js';
import { WORKER_CHARS } from './limits.js';
import type { ReadChecklistInput } from './read-checklist.js';
import { READ_WORKER, type ReadJob, type ReadReply } from './read-worker.js';

/**
 * Reading a checklist in a worker thread, without blocking the caller's event loop: `gonogo serve` keeps
 * answering (`/health/live` included) while a long or hostile checklist is parsed, and its check blocks'
 * YAML read. Much of micromark's garbage outlives young collections, so a long checklist grows a heap far
 * beyond what it keeps, and V8 keeps that heap for the rest of the process; a worker has a heap of its
 * own, given back when it ends. The worker runs the very readChecklist of this thread (one cut into
 * pieces, one parse), and the checklist, or its located problems, come back as one message.
 * A worker that cannot start, fails or dies gives way to readChecklist in this thread.
 */

export { WORKER_CHARS };

/** Options of readChecklistAsync. */
export interface ReadAsyncOptions {
  /** Read in a worker above this many characters (bytes); at or below, in this thread. */
  workerChars?: number;
  /** The worker's module (tests point it at failing ones). */
  script?: URL;
}

/**
 * readChecklist, in a worker thread when the text is long: the same checklist, or the same
 * ValidationErrors. Never blocks the event loop on a long text (a short one is read in this thread).
 * @example const checklist = await readChecklistAsync({ bytes, file, kinds }, { workerChars: 32 * 1024 });
 */
export async function readChecklistAsync(
  input: ReadChecklistInput,
  { workerChars = WORKER_CHARS, script = READ_WORKER }: ReadAsyncOptions = {},
): Promise<Checklist> {
  const size = typeof input.bytes === 'string' ? input.bytes.length : input.bytes.byteLength;
  const reply = size > workerChars ? await inWorker(input, script) : undefined;
  if (reply && 'checklist' in reply) return reply.checklist;
  if (reply && 'errors' in reply) throw ValidationErrors.fromData(reply.errors);
  // Short, or the worker failed: read here.
  const { readChecklist } = await import('./read-checklist.js');
  return readChecklist(input);
}

/** The worker's reply, or undefined when it could not give one. */
function inWorker(input: ReadChecklistInput, script: URL): Promise<ReadReply | undefined> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      const job: ReadJob = { input, readJob: true };
      const first = script.pathname.endsWith('.ts') ? TYPESCRIPT_WORKER : script;
      worker = new Worker(bootstrap(first), { eval: true, workerData: { ...job, script: script.href } });
    } catch {
      resolve(undefined);
      return;
    }
    let settled = false;
    const done = (reply: ReadReply | undefined) => {
      if (settled) return;
      settled = true;
      resolve(reply && 'failed' in reply ? undefined : reply);
      // Done or given up: end it now, so its heap is given back before the caller goes on.
      void worker.terminate();
    };
    worker.once('message', (reply: ReadReply) => done(reply));
    // A worker that fails or ends without a word is given up; its error must not crash the caller.
    worker.once('error', () => done(undefined));
    worker.once('exit', () => done(undefined));
  });
}

/**
 * From the TypeScript sources a worker cannot load .ts modules by itself (Node 20 workers get none of the
 * parent's module hooks): scripts/typescript-worker.mjs registers tsx in the worker first. A build runs
 * JavaScript only and never takes this path.
 */
const TYPESCRIPT_WORKER = new URL('../../scripts/typescript-worker.mjs', import.meta.url);

/**
 * The worker's first code: import the script or, when it cannot be loaded (missing, or failing as it
 * loads), say so. This replaces a look at the file system first, which the Markdown layer does not do.
 */
function bootstrap(script: URL): string {
  return `import(${JSON.stringify(script.href)}).catch((err) => {
  require('node:worker_threads').parentPort.postMessage({ failed: String(err && err.message || err) });
});`;
}
