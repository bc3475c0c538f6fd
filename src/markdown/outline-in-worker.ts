import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Draft } from './outline.js';
import type { MarkdownOutline } from './outline-markdown.js';
import { OUTLINE_WORKER, type WorkerInput, type WorkerMessage } from './outline-worker.js';

/**
 * Parsing Markdown in a worker thread. Much of micromark's garbage outlives young collections (about a
 * tenth of what it allocates is promoted, even parsing the same small text again and again), so a long
 * checklist grows the heap far beyond what it keeps, and V8 keeps that heap for the rest of the process:
 * a `gonogo run` after a cold parse of 5,000 items peaked ~70 MB above a run that skipped the parse.
 * A worker has a heap of its own, given back when it ends. It sends the items of each piece as soon as
 * they are found, so it does not keep them either.
 *
 * `readChecklist` is synchronous, so the calling thread sleeps on a shared counter the worker bumps after
 * each message, and takes the messages with receiveMessageOnPort. Whatever goes wrong (a worker that
 * cannot start, fails, or stops answering) gives undefined, and the caller parses in its own thread.
 */

/** Above this many characters a checklist is parsed in a worker (the start-up costs ~0.1 s). */
export const WORKER_CHARS = 256 * 1024;

/** With no message for this long, the worker is given up (it may have died, e.g. out of memory). */
const STALL_MS = 120_000;

/**
 * outlineMarkdown in a worker thread: the same items, handed to `take` in the same order, and the same
 * outline; undefined if the worker could not do it (then `take` may have been given some items already).
 * @example const found = outlineInWorker(text, take) ?? outlineMarkdown(text, freshTake);
 */
export function outlineInWorker(
  text: string,
  take: (drafts: Draft[]) => void,
  { script = OUTLINE_WORKER, stallMs = STALL_MS } = {},
): MarkdownOutline | undefined {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    const input: WorkerInput = { text, signal, port: port2, outlineJob: true };
    const first = script.pathname.endsWith('.ts') ? TYPESCRIPT_WORKER : script;
    worker = new Worker(bootstrap(first), {
      eval: true,
      workerData: { ...input, script: script.href },
      transferList: [port2],
    });
  } catch {
    port1.close();
    return undefined;
  }
  worker.unref();
  // A worker that fails is given up below (it stops sending); its error event must not crash the caller.
  worker.on('error', () => {});
  try {
    let seen = 0;
    for (;;) {
      if (Atomics.wait(signal, 0, seen, stallMs) === 'timed-out') return undefined;
      seen = Atomics.load(signal, 0);
      for (let got = receiveMessageOnPort(port1); got; got = receiveMessageOnPort(port1)) {
        const message = got.message as WorkerMessage;
        if ('drafts' in message) take(message.drafts);
        else if ('outline' in message) return message.outline;
        else return undefined;
      }
    }
  } finally {
    port1.close();
    // Done or given up: end it now, so its heap is given back before the caller goes on.
    void worker.terminate();
  }
}

/**
 * From the TypeScript sources a worker cannot load .ts modules by itself (Node 20 workers get none of the
 * parent's module hooks): scripts/typescript-worker.mjs registers tsx in the worker first. A build runs
 * JavaScript only and never takes this path.
 */
const TYPESCRIPT_WORKER = new URL('../../scripts/typescript-worker.mjs', import.meta.url);

/**
 * The worker's first code: import the script or, when it cannot be loaded (missing, or failing as it
 * loads), say so and wake the caller, which sleeps on `signal` and would otherwise wait STALL_MS. This
 * replaces a look at the file system first, which the Markdown layer does not do.
 */
function bootstrap(script: URL): string {
  return `import(${JSON.stringify(script.href)}).catch((err) => {
  const { workerData } = require('node:worker_threads');
  workerData.port.postMessage({ failed: String(err && err.message || err) });
  Atomics.add(workerData.signal, 0, 1);
  Atomics.notify(workerData.signal, 0);
});`;
}
