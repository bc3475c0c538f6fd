import type { Heading, List, Nodes, Root, Table } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import markdown, { escapeMarkdown } from './markdown.js';
import { goReport, noGoReport, TRICKY_TITLE } from './test-support/sample-report.js';

/** Read the output back the way GitHub would: CommonMark + GFM tables. */
const parse = (md: string) => unified().use(remarkParse).use(remarkGfm).parse(md) as Root;

/** The visible text of a node; `<br>` counts as a line break. */
function textOf(node: Nodes): string {
  if (node.type === 'text' || node.type === 'inlineCode') return node.value;
  if (node.type === 'html') return node.value === '<br>' ? '\n' : node.value;
  if ('children' in node) return (node.children as Nodes[]).map(textOf).join('');
  return '';
}

const tables = (root: Root) => root.children.filter((n): n is Table => n.type === 'table');
const headings = (root: Root) => root.children.filter((n): n is Heading => n.type === 'heading');
const cells = (table: Table) => table.children.map((r) => r.children.map(textOf));

describe('markdown format', () => {
  const root = parse(markdown.render(noGoReport(), { color: false }));

  it('leads with the verdict heading and an emoji', () => {
    const [h1] = headings(root);
    expect(h1?.depth).toBe(1);
    expect(textOf(h1!)).toBe('❌ NO-GO: Enterprise go-live (production)');
    expect(textOf(headings(parse(markdown.render(goReport(), { color: false })))[0]!)).toBe(
      '✅ GO: Enterprise go-live (production)',
    );
  });

  it('has a summary table with one count per status', () => {
    const [summary] = tables(root);
    expect(cells(summary!)).toEqual([
      ['✅ pass', '❌ fail', '⚠️ error', '⏳ pending', '🟨 waived', '⏭️ skipped', 'total'],
      ['2', '1', '1', '2', '1', '1', '8'],
    ]);
  });

  it('lists what blocks GO, numbered, under "Blocking"', () => {
    const i = root.children.findIndex((n) => n.type === 'heading' && textOf(n) === 'Blocking (4)');
    const list = root.children[i + 1] as List;
    expect(list.type).toBe('list');
    expect(list.ordered).toBe(true);
    expect(list.children.map(textOf)).toEqual(noGoReport().reasons.map((r) => r.message));
  });

  it('has a sign-offs table', () => {
    const signoffs = tables(root).find((t) => textOf(t.children[0]!.children[0]!) === 'role');
    expect(cells(signoffs!).slice(1)).toEqual([
      ['engineering', '✅ signed', 'dana', '2026-11-30T10:00:00.000Z', ''],
      ['security', '⚠️ stale (earlier version)', '', '', ''],
    ]);
  });

  it('has one table per section whose cells survive pipes, markup and newlines', () => {
    const sections = headings(root)
      .filter((h) => h.depth === 3)
      .map(textOf);
    expect(sections).toEqual(['5) Observability', '6) Security', '7) Ops | Access']);
    const itemTables = tables(root).filter((t) => textOf(t.children[0]!.children[0]!) === 'status');
    const rows = itemTables.flatMap((t) => cells(t).slice(1));
    expect(rows).toHaveLength(8);
    for (const row of rows) expect(row).toHaveLength(3);
    const tricky = rows.find((r) => r[1]!.includes('6-security/export-import'));
    expect(tricky![1]).toBe(`${TRICKY_TITLE}\n6-security/export-import`);
    const failing = rows.find((r) => r[0] === '❌ fail');
    expect(failing![2]).toBe(
      'body.db == "ok" — got "down"\nobserved: body={"db":"down","scheduler":"ok"} status=503 latency_ms=3',
    );
    expect(rows.find((r) => r[1]!.startsWith('2FA'))![1]).toContain('overdue since 2026-11-23');
    expect(rows.find((r) => r[1]!.startsWith('Pen test'))![1]).toContain('(advisory)');
  });

  it('never lets text become HTML or links', () => {
    const html: string[] = [];
    const visit = (n: Nodes) => {
      if (n.type === 'html' && n.value !== '<br>') html.push(n.value);
      expect(n.type).not.toBe('link');
      if ('children' in n) (n.children as Nodes[]).forEach(visit);
    };
    visit(root);
    expect(html).toEqual([]);
  });
});

describe('escapeMarkdown', () => {
  it.each([
    'a | b',
    '*not bold* _nor this_',
    '<img src=x onerror=alert(1)>',
    '[link](http://x) ![img](y)',
    '`code` ~~strike~~',
    'back\\slash \\| tricky',
    '# not a heading',
    'line\nbreak\r\nand \\n literal',
    'AT&T &amp; &#124;',
  ])('keeps %j literal inside a table cell', (text) => {
    const [table] = tables(parse(`| h |\n| --- |\n| ${escapeMarkdown(text)} |\n`));
    expect(table!.children).toHaveLength(2);
    expect(textOf(table!.children[1]!.children[0]!)).toBe(text.replace(/\r\n/g, '\n'));
  });
});
