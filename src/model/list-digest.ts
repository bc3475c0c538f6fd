import { createHash, type Hash, hash as oneShot } from 'node:crypto';

/** Text handed to the hash at a time (below V8's large-object size, so each piece dies young). */
const CHUNK = 16 * 1024;

/**
 * `sha256:<hex>` of a JSON array's text, written from its elements' texts (`json(item)`; undefined leaves
 * the item out) and hashed a piece at a time: a list's JSON is its elements' JSON between brackets,
 * comma-separated, so neither a copy of a 50,000-item list nor its whole text is ever held. The digest is
 * that of `JSON.stringify` of the list of what `json` wrote (the evidence and outcome digests).
 * @example jsonListDigest(outcomes, canonicalJson) // 'sha256:9f2c…'
 */
export function jsonListDigest<T>(items: Iterable<T>, json: (item: T) => string | undefined): string {
  // A Hash object only once the text outgrows a piece: most lists (a run's outcomes) are one short text.
  let hash: Hash | undefined;
  let text = '[';
  let first = true;
  for (const item of items) {
    const written = json(item);
    if (written === undefined) continue;
    text += first ? written : `,${written}`;
    first = false;
    if (text.length >= CHUNK) {
      hash = (hash ?? createHash('sha256')).update(text, 'utf8');
      text = '';
    }
  }
  text += ']';
  return `sha256:${hash ? hash.update(text, 'utf8').digest('hex') : oneShot('sha256', text)}`;
}
