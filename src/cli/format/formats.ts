import type { Formatter } from './formatter.js';

/** How a format's module is loaded: its default export is the Formatter. */
export type FormatModule = () => Promise<{ default: Formatter }>;

/**
 * The output formats, one lazy import per format file of this folder, named after the file. Adding a
 * format is adding its file and one line here; formats.test.ts fails when this list and the folder
 * disagree. A run renders one format, so only that one is loaded.
 */
export const formats = {
  github: () => import('./github.js'),
  json: () => import('./json.js'),
  junit: () => import('./junit.js'),
  markdown: () => import('./markdown.js'),
  text: () => import('./text.js'),
} satisfies Record<string, FormatModule>;
