import { isShared, sharedPretty } from '../../model/shared-text.js';

/**
 * `JSON.stringify(value, null, 2)`'s text of a top-level key's array elements (the report's items),
 * written from the text of an earlier element of the same build. A 50,000-item report spent most of the
 * engine's time on indentation (appended one gap at a time, ~35 lines an item), member names and values
 * that are the same in every item (bench/README "branch close19"). Here an element is first written part by
 * part and kept as a template: its text, the order of its members (names, objects, arrays), and where each
 * value's text lies. A later element built alike (the same members in the same order, objects and arrays
 * in the same places) is the template's text with the values that differ written in: usually its id, title,
 * latency and durations. Equal values give equal texts: strings, numbers, booleans and null compared with
 * Object.is, an object the run's outcomes share (model/shared-text.ts: frozen, its text written once) by
 * identity. Plain data is walked here: arrays of Array.prototype and objects of Object.prototype (or none)
 * without a `toJSON`. Anything else (a Date, a boxed or class value, a function, a BigInt, a `toJSON`,
 * deeper than MAX_DEPTH) is the engine's own text, given its member's name as JSON.stringify gives it,
 * written anew for every element.
 */

/** Levels walked here before the engine writes the rest (it finds cycles; this walk does not look). */
export const MAX_DEPTH = 24;
/** Templates kept at once (a report of a few kinds of items); the least recently matched is dropped. */
export const MAX_TEMPLATES = 4;
/** Member names kept per indentation, past this many the kept names start again empty. */
const NAMES_MAX = 1024;

// What a walk meets, in order (`codes`); a member's name is NAME, with the name itself in `names`.
const NAME = 0;
const OBJECT = 1;
const ARRAY = 2;
const CLOSE = 3;
/** A value whose text is compared by its value: a string needing an escape, a number, a boolean, null, a shared object. */
const LEAF = 4;
/** A string needing no escape: its text is the string between quotes (the quotes belong to the template). */
const PLAIN = 5;
/** A value the engine writes: never taken from a template. */
const ENGINE = 6;
/** A value JSON.stringify leaves out of an object (null in an array). */
const OMIT = 7;

/** An element's text and what it is made of. */
interface Template {
  text: string;
  /** The codes above, in writing order, and the member names met. */
  codes: number[];
  names: string[];
  /** Each value met (LEAF, PLAIN, ENGINE), and where its text starts and ends in `text`. */
  values: unknown[];
  starts: number[];
  ends: number[];
}

const ownKey = Object.prototype.hasOwnProperty;

/** `\n` and `indent` spaces; the same after a comma; before a closing `}`; before a closing `]`. */
const lines: string[][] = [];
function lineTexts(indent: number): string[] {
  let texts = lines[indent];
  if (texts === undefined) {
    const text = `\n${' '.repeat(indent)}`;
    texts = [text, `,${text}`, `${text}}`, `${text}]`];
    lines[indent] = texts;
  }
  return texts;
}

/** A member's line start and name (`\n    "name": `), per indentation of the member's line. */
let nameLines: Map<string, string>[] = [];
let namesHeld = 0;
function nameLine(key: string, indent: number): string {
  let kept = nameLines[indent];
  let text = kept?.get(key);
  if (text === undefined) {
    if (namesHeld >= NAMES_MAX) {
      nameLines = [];
      namesHeld = 0;
    }
    kept = nameLines[indent];
    if (kept === undefined) {
      kept = new Map();
      nameLines[indent] = kept;
    }
    text = `${lineTexts(indent)[0]}${JSON.stringify(key)}: `;
    kept.set(key, text);
    namesHeld++;
  }
  return text;
}

/** Whether a string is written as it is between quotes: no control character, `"`, `\` or surrogate. */
function plainString(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

const hasToJSON = (o: object): boolean => typeof (o as { toJSON?: unknown }).toJSON === 'function';

/**
 * How a value is written: OMIT, PLAIN, LEAF, ENGINE, OBJECT (walked by its own keys: of Object.prototype
 * or none, no `toJSON`; or a shared object, a LEAF) or ARRAY (walked element by element: of
 * Array.prototype, no `toJSON`).
 */
function kindOf(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
      return plainString(value) ? PLAIN : LEAF;
    case 'number':
    case 'boolean':
      return LEAF;
    case 'undefined':
    case 'symbol':
      return OMIT;
    case 'object': {
      if (value === null) return LEAF;
      if (depth >= MAX_DEPTH || hasToJSON(value)) return ENGINE;
      if (Array.isArray(value)) return Object.getPrototypeOf(value) === Array.prototype ? ARRAY : ENGINE;
      // A shared object is frozen, flat and of Object.prototype (engine/shape-share.ts).
      if (isShared(value)) return LEAF;
      const proto: unknown = Object.getPrototypeOf(value);
      return proto === Object.prototype || proto === null ? OBJECT : ENGINE;
    }
    default:
      // A function or a BigInt: the engine's rules (its toJSON, or left out, or thrown on).
      return ENGINE;
  }
}

/**
 * The engine's text of `value` as the member `key` of an object, on a line indented by `indent` (its
 * later lines indented to match), or undefined when JSON.stringify leaves the member out.
 */
function engineText(key: string | number, value: unknown, indent: number): string | undefined {
  const name = String(key);
  const text = JSON.stringify({ [name]: value }, null, 2);
  // '{\n  "key": VALUE\n}', or '{}' when the member is left out.
  if (text.length === 2) return undefined;
  const body = text.slice(4 + JSON.stringify(name).length + 2, -2);
  return indent === 2 ? body : body.replaceAll('\n', lineTexts(indent - 2)[0]!);
}

/** A LEAF's text. */
function leafText(value: unknown, indent: number): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // The engine's text, not String(value): that keeps each number's text in V8's number-string cache,
      // a root, so a report's ~100,000 distinct latencies, durations and lines were promoted with it
      // (~1 MB a 50,000-item report) and started a marking of the old generation.
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return value === null ? 'null' : sharedPretty(value as object, indent);
  }
}

/** Walking an element: recording a template of it, or matching one and writing what differs. */
class Walk {
  matching = false;
  /** Whether objects may list inherited enumerable keys (for…in lists them; JSON.stringify does not write them). */
  inherited = false;
  template!: Template;
  /** Where the walk is in the template's codes, names and values. */
  code = 0;
  name = 0;
  value = 0;
  /** Recording: the text's parts and its length so far. */
  parts: string[] = [];
  length = 0;
  /** Matching: the text written (a rope, flattened once by its reader), and where the template's text not yet written starts. */
  out = '';
  from = 0;

  put(text: string): void {
    this.parts.push(text);
    this.length += text.length;
  }

  /** A code: recorded, or compared with the template's (false: the element is not built alike). */
  meet(code: number): boolean {
    if (this.matching) return this.template.codes[this.code++] === code;
    this.template.codes.push(code);
    return true;
  }

  /** A member's name, after `written` members of its object, on a line indented by `indent`. */
  member(key: string, written: boolean, indent: number): boolean {
    const t = this.template;
    if (this.matching) return t.codes[this.code++] === NAME && t.names[this.name++] === key;
    t.codes.push(NAME);
    t.names.push(key);
    this.put(written ? ',' : '{');
    this.put(nameLine(key, indent));
    return true;
  }

  /** A value met (kind LEAF, PLAIN or ENGINE) and its text (`text` given for ENGINE, else made when written). */
  leaf(kind: number, value: unknown, text: string | undefined, indent: number): boolean {
    const t = this.template;
    if (this.matching) {
      if (t.codes[this.code++] !== kind) return false;
      const i = this.value++;
      if (kind !== ENGINE && t.values[i] === value) return true;
      // Equal numbers and strings give equal texts; so does a shared object (frozen, its text kept).
      if (t.starts[i]! > this.from) this.out += t.text.slice(this.from, t.starts[i]);
      this.out += text ?? (kind === PLAIN ? (value as string) : leafText(value, indent));
      this.from = t.ends[i]!;
      return true;
    }
    t.codes.push(kind);
    if (kind === PLAIN) this.put('"');
    t.values.push(value);
    t.starts.push(this.length);
    this.put(text ?? (kind === PLAIN ? (value as string) : leafText(value, indent)));
    t.ends.push(this.length);
    if (kind === PLAIN) this.put('"');
    return true;
  }
}

/** 1: written; -1: not built as the template. */
type Result = 1 | -1;

/** Write a value of kind `kind` (not OMIT; ENGINE with its `text`). */
function walkValue(
  w: Walk,
  kind: number,
  value: unknown,
  text: string | undefined,
  indent: number,
  depth: number,
): Result {
  if (kind === OBJECT) return walkObject(w, value as Record<string, unknown>, indent, depth + 1);
  if (kind === ARRAY) return walkArray(w, value as readonly unknown[], indent, depth + 1);
  return w.leaf(kind, value, text, indent) ? 1 : -1;
}

function walkObject(w: Walk, o: Record<string, unknown>, indent: number, depth: number): Result {
  if (!w.meet(OBJECT)) return -1;
  const inner = indent + 2;
  let written = false;
  for (const key in o) {
    if (w.inherited && !ownKey.call(o, key)) continue;
    const value = o[key];
    const kind = kindOf(value, depth);
    if (kind === OMIT) continue;
    let text: string | undefined;
    if (kind === ENGINE) {
      text = engineText(key, value, inner);
      if (text === undefined) continue;
    }
    if (!w.member(key, written, inner)) return -1;
    written = true;
    if (walkValue(w, kind, value, text, inner, depth) < 0) return -1;
  }
  if (!w.meet(CLOSE)) return -1;
  if (!w.matching) w.put(written ? lineTexts(indent)[2]! : '{}');
  return 1;
}

function walkArray(w: Walk, a: readonly unknown[], indent: number, depth: number): Result {
  if (!w.meet(ARRAY)) return -1;
  const texts = lineTexts(indent + 2);
  for (let i = 0; i < a.length; i++) {
    if (!w.matching) {
      if (i === 0) w.put('[');
      w.put(texts[i === 0 ? 0 : 1]!);
    }
    const value = a[i];
    let kind = kindOf(value, depth);
    let text: string | undefined;
    if (kind === ENGINE) text = engineText(i, value, indent + 2);
    // What an object leaves out, an array writes as null.
    if (kind === OMIT || (kind === ENGINE && text === undefined)) {
      kind = LEAF;
      text = 'null';
    }
    if (walkValue(w, kind, value, text, indent + 2, depth) < 0) return -1;
  }
  if (!w.meet(CLOSE)) return -1;
  if (!w.matching) w.put(a.length === 0 ? '[]' : lineTexts(indent)[3]!);
  return 1;
}

/** Writes a top-level key's array elements, keeping templates across calls (one writer per report). */
export class ElementsWriter {
  private readonly templates: Template[] = [];
  private readonly walk = new Walk();

  /**
   * The text JSON.stringify(value, null, 2) gives elements `from` to `to` (excluded) of an array that is
   * the value of a top-level key (its elements' lines indented by 4), each after its line break (and the
   * comma before it, after the first element): a cut of that text, elements whole.
   * @example new ElementsWriter().write([1, { a: 2 }], 1, 2) // ',\n    {\n      "a": 2\n    }'
   */
  write(a: readonly unknown[], from: number, to: number): string {
    const texts = lineTexts(4);
    const w = this.walk;
    w.inherited = hasEnumerable(Object.prototype);
    w.out = '';
    for (let i = from; i < to; i++) {
      w.out += texts[i === 0 ? 0 : 1]!;
      if (!this.element(a[i], i)) w.out += 'null';
    }
    const text = w.out;
    w.out = '';
    return text;
  }

  /** Appends element `i`'s text to the walk's; false when JSON.stringify writes it as null (left out in an object). */
  private element(value: unknown, i: number): boolean {
    const w = this.walk;
    const kind = kindOf(value, 0);
    if (kind === OMIT) return false;
    let text: string | undefined;
    if (kind === ENGINE) {
      text = engineText(i, value, 4);
      if (text === undefined) return false;
    }
    w.matching = true;
    const before = w.out;
    for (let t = 0; t < this.templates.length; t++) {
      const template = this.templates[t]!;
      w.template = template;
      w.code = 0;
      w.name = 0;
      w.value = 0;
      w.from = 0;
      if (walkValue(w, kind, value, text, 4, 0) > 0 && w.code === template.codes.length) {
        if (w.from === 0) w.out += template.text;
        else if (w.from < template.text.length) w.out += template.text.slice(w.from);
        if (t > 0) {
          this.templates.splice(t, 1);
          this.templates.unshift(template);
        }
        return true;
      }
      w.out = before;
    }
    // Built like no template: written part by part, and kept as a template.
    const template: Template = { text: '', codes: [], names: [], values: [], starts: [], ends: [] };
    w.matching = false;
    w.template = template;
    w.parts.length = 0;
    w.length = 0;
    walkValue(w, kind, value, text, 4, 0);
    template.text = w.parts.join('');
    w.parts.length = 0;
    w.out += template.text;
    this.templates.unshift(template);
    if (this.templates.length > MAX_TEMPLATES) this.templates.pop();
    return true;
  }
}

/** Whether `o` has an enumerable property (own or inherited) that for…in would list. */
function hasEnumerable(o: object): boolean {
  for (const _ in o) return true;
  return false;
}
