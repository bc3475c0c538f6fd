import { renderReport } from '../index.js';
import { noGoReport, goReport } from '../test-support/sample-report.js';
for (const f of ['text','markdown','junit']) console.log(renderReport(f, noGoReport(), { color: false }));
console.log(renderReport('text', goReport(), { color: true }));
