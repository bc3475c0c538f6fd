// Runs a TypeScript worker module from the sources (tests, `npm run dev`): Node 20 gives a worker none
// of its parent's module hooks (`--import tsx` included), so this registers tsx, then imports the module
// named by workerData.script. A failure to do so is reported to the parent the way the worker would.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

try {
  register();
  await import(workerData.script);
} catch (err) {
  // A checklist read (markdown/read-in-worker.ts) is told why; other workers just end.
  if (workerData.readJob) parentPort?.postMessage({ failed: String(err) });
}
