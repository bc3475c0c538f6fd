// The worker thread of outline-in-worker.ts: outlineMarkdown, sending the items of each piece as soon as
// they are found. The worker runs this very module, wherever it is (src/ from the sources, whichever
// chunk a bundler put it in), so no path to a separate script has to survive a build. Loaded in any other
// thread, or by a worker that was not given an outline job, it does nothing but export its own address.
// The module doing the work is imported inside the try, so that even a failure to load it is reported
// (the caller then parses in its own thread) rather than leaving the caller waiting.
import { isMainThread, type MessagePort, workerData } from 'node:worker_threads';
import type { Draft } from './outline.js';
import type { MarkdownOutline } from './outline-markdown.js';

/** What the worker is given. */
export interface WorkerInput {
  text: string;
  /** Bumped (and notified) after every message. */
  signal: Int32Array;
  port: MessagePort;
  /** Tells outline-worker.ts, loaded in a worker, that it has a job. */
  outlineJob: true;
}

/** What the worker sends: the items of each piece, then the rest of the outline, or why it failed. */
export type WorkerMessage = { drafts: Draft[] } | { outline: MarkdownOutline } | { failed: string };

/** The module a worker runs to outline Markdown: this one. */
export const OUTLINE_WORKER = new URL(import.meta.url);

async function work({ text, signal, port }: WorkerInput): Promise<void> {
  const send = (message: WorkerMessage): void => {
    port.postMessage(message);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  try {
    const { outlineMarkdown } = await import('./outline-markdown.js');
    send({ outline: outlineMarkdown(text, (drafts) => send({ drafts })) });
  } catch (err) {
    send({ failed: err instanceof Error ? err.message : String(err) });
  }
}

if (!isMainThread && (workerData as Partial<WorkerInput> | null)?.outlineJob === true) {
  void work(workerData as WorkerInput);
}
