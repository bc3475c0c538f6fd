import type { Store } from '../engine/store.js';

/** STUB: open the store at a file path (SQLite) or postgres:// URL. */
export async function openStore(_url: string): Promise<Store> {
  throw new Error('not implemented yet');
}
