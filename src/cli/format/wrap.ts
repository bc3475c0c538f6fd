// Word-wrapping for the text outputs, in a module of its own: `gonogo lint` wraps its outline with it
// without loading the run report's formatter (and the verdict and audit models under it).

/** Width when the caller gives none: a default 80-column window. */
export const WIDTH = 80;

/** Code points, so Turkish and other non-ASCII letters count as one column. */
export const width = (s: string): number => [...s].length;

/** Word-wrap `text` to `cols` columns, every line indented by `indent` (the first by `first`). */
export function wrap(text: string, indent: number, first = indent, cols = WIDTH): string[] {
  const lines: string[] = [];
  let lead = first;
  // A deep indent on a narrow layout must still leave room, or long words would never fit.
  const room = () => Math.max(1, cols - lead);
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    const flush = () => {
      lines.push(' '.repeat(lead) + line);
      line = '';
      lead = indent;
    };
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && width(line) + 1 + width(word) > room()) flush();
      // A word longer than a line (an item id, a URL) is broken at the edge, never past it: the pieces
      // sit on lines of their own, so it still reads (and copies) whole.
      let rest = [...word];
      if (line === '' && rest.length > room()) {
        while (rest.length > room()) {
          line = rest.slice(0, room()).join('');
          rest = rest.slice(room());
          flush();
        }
      }
      const piece = rest.join('');
      line = line ? `${line} ${piece}` : piece;
    }
    flush();
  }
  return lines;
}
