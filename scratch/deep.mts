import { readChecklist } from '../src/markdown/read-checklist.ts';
const lines = ['---', 'id: deep', '---', '# Deep', ''];
while (lines.join('\n').length < 96 * 1024) {
  for (let d = 0; d < 48; d++) lines.push(`${'  '.repeat(d)}- [ ] level ${d} of a deep item`);
}
const text = `${lines.join('\n')}\n`;
let t = performance.now();
const c = readChecklist({ bytes: text, file: 'deep.md', kinds: new Set(['http']) });
console.log('parse ms', performance.now() - t, c.items.length);
