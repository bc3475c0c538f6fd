import type { Formatter } from './formatter.js';

/** The RunReport as is: the JSON contract of `run` and `status` (DESIGN.md "Command line"). */
const json: Formatter = {
  name: 'json',
  summary: 'the report as JSON (verdict, environment, checklist, summary, items, reasons, signoffs)',
  render(report) {
    return `${JSON.stringify(report, null, 2)}\n`;
  },
};

export default json;
