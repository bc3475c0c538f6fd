// The worker thread of outline-in-worker.ts: outlineMarkdown, sending the items of each piece as soon as
// they are found. The module doing the work is imported here, inside the try, so that even a failure to
// load it is reported (the caller then parses in its own thread) rather than leaving the caller waiting.
import { workerData } from 'node:worker_threads';
import type { WorkerInput, WorkerMessage } from './outline-in-worker.js';

const { text, signal, port } = workerData as WorkerInput;

function send(message: WorkerMessage): void {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

try {
  const { outlineMarkdown } = await import('./outline-markdown.js');
  send({ outline: outlineMarkdown(text, (drafts) => send({ drafts })) });
} catch (err) {
  send({ failed: err instanceof Error ? err.message : String(err) });
}
