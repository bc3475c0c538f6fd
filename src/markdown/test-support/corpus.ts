import { readdirSync, readFileSync } from 'node:fs';
import { SHARED } from '../../test-support/cli.js';
import { repairText } from '../repair.js';

/** The real checklists the parser is proven on: the seeds and the public checklists, repaired as read. */
export function corpusTexts(): string[] {
  return [
    ...readdirSync(`${SHARED}seeds`).map((f) => `${SHARED}seeds/${f}`),
    ...readdirSync(`${SHARED}fixtures/public-checklists`)
      .filter((f) => f.endsWith('.md') && f !== 'SOURCES.md')
      .map((f) => `${SHARED}fixtures/public-checklists/${f}`),
  ].map((path) => repairText(readFileSync(path)).text);
}
