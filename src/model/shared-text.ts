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
/** Pretty texts (JSON.stringify with two spaces), one memo per indentation of their later lines. */
let prettyTexts = new Map<number, WeakMap<object, string>>();
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

/** Make room for `chars` more characters: past SHARED_TEXT_MAX_CHARS every memo starts again empty. */
function makeRoom(chars: number): void {
  if (held + chars <= SHARED_TEXT_MAX_CHARS) return;
  canonicalTexts = new WeakMap();
  jsonTexts = new WeakMap();
  prettyTexts = new Map();
  held = 0;
}

function remember(json: boolean, o: object, text: string): void {
  makeRoom(text.length);
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

/**
 * `JSON.stringify(o, null, 2)` of a shared object with each line after the first indented by `indent`
 * more spaces: its text as a member of a pretty JSON text at that depth, written the first time. The
 * caller has seen that the object has no `toJSON`. A flat object's JSON holds no raw line break (they are
 * escaped in strings), so each \n starts one of its lines.
 * @example sharedPretty(headers, 8) // '{\n          "server": "nginx"\n        }'
 */
export function sharedPretty(o: object, indent: number): string {
  let memo = prettyTexts.get(indent);
  let text = memo?.get(o);
  if (text === undefined) {
    text = JSON.stringify(o, null, 2).replaceAll('\n', `\n${' '.repeat(indent)}`);
    makeRoom(text.length);
    memo = prettyTexts.get(indent);
    if (memo === undefined) {
      memo = new WeakMap();
      prettyTexts.set(indent, memo);
    }
    memo.set(o, text);
    held += text.length;
  }
  return text;
}
