import { ParseError } from '../model/errors.js';

/**
 * Limits checked before the Markdown is parsed. micromark's work grows with the nesting of containers
 * (lists, block quotes) times the length of the text: a 1 MB list nested 1,000 levels took 47 s and
 * 518 MB, a block quote in such a list 1.47 GB. One pass over the lines, no parser, refuses such a text
 * in milliseconds with the place where it goes too deep. No real checklist comes near these numbers.
 */

/** Characters a checklist may hold (10 MB of ASCII). */
export const MAX_CHARS = 10 * 1024 * 1024;

/**
 * Above this many characters a checklist is read in a worker (starting one costs ~0.1 s of CPU): see
 * read-in-worker.ts. Here, so a caller can tell before it loads the worker's launcher (a cold `gonogo lint`
 * of a short checklist never does).
 */
export const WORKER_CHARS = 256 * 1024;

/** Lists and block quotes nested in one another, at most. */
export const MAX_DEPTH = 50;

/** Columns of a tab, as CommonMark counts them. */
const TAB = 4;

/**
 * The first place where `text` exceeds a limit, as a located error; undefined when within them.
 * @example checkLimits('- '.repeat(60) + 'x', 'deep.md')?.format() // 'deep.md:1:121: lists and …'
 */
export function checkLimits(text: string, file: string | undefined): ParseError | undefined {
  if (text.length > MAX_CHARS) {
    const mb = (text.length / 1024 / 1024).toFixed(1);
    return new ParseError(
      `the checklist is ${mb} MB; gonogo reads checklists up to ${MAX_CHARS / 1024 / 1024} MB: split it into several files`,
      { file, line: 1, column: 1 },
    );
  }
  let fence: string | undefined;
  let line = 0;
  for (let start = 0; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const found = lineDepth(text, start, end);
    // The line's first three characters after its containers (compared in place: no copy per line).
    const at = found.contentAt;
    const three = at + 3 <= end;
    if (fence !== undefined) {
      // Inside fenced code nothing nests; only its closing fence matters.
      if (three && text.startsWith(fence, at)) fence = undefined;
    } else if (three && (text.startsWith('```', at) || text.startsWith('~~~', at))) {
      fence = text.slice(at, at + 3);
    } else if (found.depth > MAX_DEPTH) {
      return new ParseError(
        `lists and block quotes are nested ${found.depth} levels deep here; gonogo reads at most ${MAX_DEPTH} levels: flatten the nesting`,
        { file, line: line + 1, column: found.column },
      );
    }
    start = end + 1;
  }
  return undefined;
}

/**
 * How deep the containers opened on one line go, estimated from its prefix: each `>` and list marker is
 * a level, and so is every two columns of indentation before them (a nested item is indented by its
 * parent's marker). Lines that open no container (paragraph text, code) are not counted.
 */
function lineDepth(
  text: string,
  start: number,
  end: number,
): { depth: number; column: number; contentAt: number } {
  let columns = 0;
  let markers = 0;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 0x20) {
      columns++;
      i++;
    } else if (c === 0x09) {
      columns += TAB - (columns % TAB);
      i++;
    } else if (c === 0x3e /* > */) {
      markers++;
      columns++;
      i++;
    } else {
      const width = listMarkerWidth(text, i, end);
      if (width === 0) break;
      markers++;
      columns += width;
      i += width;
    }
  }
  const depth = markers === 0 ? 0 : markers + Math.floor((columns - markerColumns(text, start, i)) / 2);
  return { depth, column: i - start + 1, contentAt: i };
}

/** Columns taken by the markers themselves in a prefix, so only the indentation is halved. */
function markerColumns(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09) n++;
  }
  return n;
}

/** Width of a list marker (`-`, `*`, `+`, `1.`, `1)`) at `i`, with the space after it; 0 if none. */
function listMarkerWidth(text: string, i: number, end: number): number {
  const c = text.charCodeAt(i);
  let j = i;
  if (c === 0x2d || c === 0x2a || c === 0x2b) j = i + 1;
  else {
    while (j < end && j - i < 9 && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++;
    if (j === i || j >= end) return 0;
    const d = text.charCodeAt(j);
    if (d !== 0x2e && d !== 0x29) return 0;
    j++;
  }
  if (j < end && text.charCodeAt(j) !== 0x20 && text.charCodeAt(j) !== 0x09) return 0;
  return j - i;
}
