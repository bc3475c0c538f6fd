import type { Io, ServeOptions } from '../cli/context.js';
import type { KindRegistry } from '../engine/check.js';
import type { Store } from '../engine/store.js';

/** Wiring for `gonogo serve`. STUB: the server work replaces this file. */
export async function serve(
  _opts: ServeOptions,
  _deps: { io: Io; openStore(): Promise<Store>; registry(): Promise<KindRegistry>; now(): Date },
): Promise<void> {
  throw new Error('gonogo serve is not implemented yet');
}
