/**
 * Texts of the objects that a run's outcomes share (engine/shape-share.ts: the shaped headers and bodies
 * of consecutive outcomes are one frozen object while they repeat). Such an object is flat, frozen, of
 * Object.prototype, and each value a string, a finite number, a boolean or null: its JSON and its
 * canonical JSON are the same text every time it is written. A 50,000-item run's save wrote the same
 * headers 50,000 times for its rows and 50,000 times again for its outcomes digest; with the texts kept
 * here it writes each shared object once per form (bench/README "branch digest18"). A memo only: what
 * it returns is what the writer wrote for the same object, so it can save work, never change a byte.
 */

/** Objects registered as shared: only engine/shape-share.ts registers, only objects it froze. */
const shared = new WeakSet<object>();

/** Characters of text kept before the memo starts again empty (its texts then die with no holder). */
export const SHARED_TEXT_MAX_CHARS = 1 << 20;

/** The texts written so far, one memo per form, and the characters they hold. */
let canonicalTexts = new WeakMap<object, string>();
let jsonTexts = new WeakMap<object, string>();
let held = 0;

/**
 * Register a frozen, flat object of plain values (see above) whose texts may be written once. The caller
 * vouches for that shape: engine/shape-share.ts registers only the objects it checked and froze.
 */
export function markShared(o: object): void {
  shared.add(o);
}

/** Whether `o` was registered by markShared. */
export function isShared(o: object): boolean {
  return shared.has(o);
}

/** The characters the memo holds now (tests: it stays bounded). */
export function sharedTextHeld(): number {
  return held;
}

function remember(json: boolean, o: object, text: string): void {
  if (held + text.length > SHARED_TEXT_MAX_CHARS) {
    canonicalTexts = new WeakMap();
    jsonTexts = new WeakMap();
    held = 0;
  }
  (json ? jsonTexts : canonicalTexts).set(o, text);
  held += text.length;
}

/** The canonical text of a shared object, written by `write` the first time (write: canonical-json.ts). */
export function sharedCanonical(o: object, write: (o: Record<string, unknown>) => string): string {
  let text = canonicalTexts.get(o);
  if (text === undefined) {
    text = write(o as Record<string, unknown>);
    remember(false, o, text);
  }
  return text;
}

/**
 * JSON.stringify's text of a shared object, written the first time. The caller has seen that the object
 * has no `toJSON` (JSON.stringify would call it with the member's key).
 */
export function sharedJson(o: object): string {
  let text = jsonTexts.get(o);
  if (text === undefined) {
    text = JSON.stringify(o);
    remember(true, o, text);
  }
  return text;
}
