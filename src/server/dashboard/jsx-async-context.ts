import { jsx } from 'hono/jsx';

/**
 * Keep hono/jsx from switching on Node's async hooks for the rest of the process.
 *
 * hono/jsx carries JSX context (`createContext`/`useContext`) across the awaits of async components
 * with an AsyncLocalStorage, found at its first render through `process.getBuiltinModule` and run
 * around every render. On Node 20 the first `run` of an AsyncLocalStorage enables async hooks for good:
 * from the first page a user opens, every promise of the server (a preflight makes dozens) pays Node's
 * promise hooks, 10–20% of a preflight's CPU. gonogo's pages use no JSX context and no async
 * component: without the storage hono renders them synchronously with a store of its own, to the same
 * bytes (its fallback for runtimes without AsyncLocalStorage).
 *
 * So the one probe hono makes is answered "none": a first render happens here, with
 * `process.getBuiltinModule` hidden for its duration (synchronous: no other code runs meanwhile). When
 * hono already probed in this process (a render before the server was built), nothing changes.
 */
export function renderWithoutAsyncContext(): void {
  const proc = process as { getBuiltinModule?: unknown };
  const own = Object.getOwnPropertyDescriptor(proc, 'getBuiltinModule');
  // Node before 20.16 has none (hono then finds no storage anyway); an accessor or a fixed property
  // someone else put there is left alone.
  if (!own || !('value' in own) || !own.configurable) return;
  Object.defineProperty(proc, 'getBuiltinModule', { ...own, value: undefined });
  try {
    String(jsx('i', {}));
  } finally {
    Object.defineProperty(proc, 'getBuiltinModule', own);
  }
}
