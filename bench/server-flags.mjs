// The node flags the benches start gonogo's servers with: this build's SERVER_NODE_FLAGS (src/app/respawn.ts),
// the flags `gonogo serve` and `gonogo runner` now start node with themselves. A bench measures every gonogo
// server it starts (this build's and the one it compares with) and its floor (bare Hono, node:http, the raw
// watch loop) in one mode, so a ratio is the code's, not V8's:
//   both (the default): all of them under the flags; none: all under V8's defaults; this: this build's server
//   and the floors under the flags, the compared build's without (each as its own `gonogo serve` starts node).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const FLAG_MODES = ['both', 'none', 'this'];

/** This build's SERVER_NODE_FLAGS (none for a build without the launcher). */
export async function productFlags(root) {
  const file = join(root, 'dist/app/respawn.js');
  if (!existsSync(file)) return [];
  return [...((await import(pathToFileURL(file).href)).SERVER_NODE_FLAGS ?? [])];
}

/** The flags of each slot in `mode`: `{ gonogo, compare, floor }` (arrays of node flags). */
export async function flagsByMode(root, mode) {
  if (!FLAG_MODES.includes(mode)) throw new Error(`flags mode ${mode}: one of ${FLAG_MODES.join(', ')}`);
  const flags = mode === 'none' ? [] : await productFlags(root);
  return { gonogo: flags, compare: mode === 'both' ? flags : [], floor: flags };
}

/** How flags read in a bench's output. */
export const shownFlags = (flags) => (flags.length ? flags.join(' ') : "V8's defaults");
