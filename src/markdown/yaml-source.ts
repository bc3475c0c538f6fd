import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { ParseError, type SourcePosition } from '../model/errors.js';
import { linePos, type QuickYaml, quickLocate, quickYaml } from './quick-yaml.js';

/** Maps a position inside embedded YAML (1-based line and column) to the enclosing file. */
export type PositionMap = (line: number, column: number) => { line: number; column: number };

/** A YAML document parsed with positions, reporting every problem at its place in the enclosing file. */
export class YamlSource {
  /** The parsed document; undefined when quickYaml read the text (then `quick` holds it). */
  private readonly doc: Document.Parsed | undefined;
  private readonly quick: QuickYaml | undefined;
  readonly errors: ParseError[] = [];
  /** `yaml`'s line index; a block quickYaml read has its own (`quick.lineStarts`). */
  private readonly lines: LineCounter | undefined;

  /** @param quick try quickYaml first (check blocks: the same value and positions, faster) */
  constructor(
    readonly text: string,
    private readonly file: string | undefined,
    private readonly map: PositionMap,
    quick = false,
  ) {
    this.quick = quick ? quickYaml(text) : undefined;
    if (this.quick) return;
    this.lines = new LineCounter();
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    for (const err of this.doc.errors) {
      this.errors.push(new ParseError(`invalid YAML: ${firstLine(err.message)}`, this.at(err.pos[0])));
    }
  }

  /** The plain JavaScript value, or undefined (with an error) when it cannot be built, e.g. alias bombs. */
  value(): unknown {
    if (this.errors.length > 0) return undefined;
    if (this.quick) return this.quick.value;
    try {
      return this.doc!.toJS({ maxAliasCount: 50 });
    } catch (err) {
      this.errors.push(new ParseError(`invalid YAML: ${(err as Error).message}`, this.at(0)));
      return undefined;
    }
  }

  /** Position of a character offset in the YAML text. */
  at(offset: number): SourcePosition {
    const at = Math.max(0, Math.min(offset, this.text.length));
    const { line, col } = this.quick ? linePos(this.quick.lineStarts, at) : this.lines!.linePos(at);
    const mapped = this.map(line, col);
    return { file: this.file, line: Math.max(1, mapped.line), column: Math.max(1, mapped.column) };
  }

  /** A located error about the node at `path`. */
  error(message: string, path: readonly PropertyKey[], which: 'key' | 'value' = 'value'): ParseError {
    return new ParseError(message, this.locate(path, which));
  }

  /** Where the node at `path` (or its key) is written; the deepest existing ancestor when it is missing. */
  locate(path: readonly PropertyKey[], which: 'key' | 'value' = 'value'): SourcePosition {
    if (this.quick) return this.at(quickLocate(this.quick, path, which));
    let node: unknown = this.doc!.contents;
    let offset = rangeStart(node) ?? 0;
    for (let i = 0; i < path.length; i++) {
      const step = path[i];
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(step));
        if (pair) {
          const last = i === path.length - 1;
          const keyStart = rangeStart(pair.key);
          if (last && which === 'key' && keyStart !== undefined) return this.at(keyStart);
          next = pair.value;
          offset = rangeStart(pair.value) ?? keyStart ?? offset;
        }
      } else if (isSeq(node) && typeof step === 'number') {
        next = node.items[step];
        offset = rangeStart(next) ?? offset;
      }
      if (next === undefined) break;
      node = next;
    }
    return this.at(offset);
  }
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/\s+at line \d+, column \d+.*$/, '');
}
