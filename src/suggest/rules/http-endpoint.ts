import type { Rule } from '../rule.js';
import { celLiteral } from '../rule.js';

/** `[METHOD] /path` at the start of a code span or of the text. */
const ENDPOINT = /^(?:(GET|POST|PUT|PATCH|DELETE|HEAD)\s+)?(\/[\w.~/-]*)$/;
const ENDPOINT_IN_TEXT = /(?:\b(GET|POST|PUT|PATCH|DELETE|HEAD)\s+)?(?<![\w.:/])(\/[\w.~-][\w.~/-]*)/;
/** What follows the path and says what it answers: `→ 200`, `-> 200`, `returns 200`, `is ok=true`. */
const ANSWER = /(?:→|->|=>|\breturns?\b|\bis\b|\bdöner\b|\bdönüyor\b)\s*(.*)$/;
const STATUS = /(?<![\w.])([1-5]\d\d)(?![\w.])/;
/** `ok=true`, `enqueued: true`, `partner_center_enabled: true`: one field of a JSON body. */
const FIELD = /\b([a-z_][\w]*)\s*(?:=|:)\s*("[^"]*"|true|false|null|-?\d+(?:\.\d+)?|\w+)/gi;

/** `/api/health/live → 200`, `/api/ready is ok=true`, `POST /api/x → 200 + enqueued: true` -> `http`. */
const rule: Rule = {
  name: 'http-endpoint',
  summary:
    'an endpoint with a status or body expectation (`POST /api/x → 200 + enqueued: true`) -> `http` with its method and conditions',
  match(item) {
    // Backticks are dropped so a code span (`200`, `enqueued: true`) reads like the text around it.
    const text = item.source.replace(/`/g, '').replace(/\*\*/g, '');
    const fromCode = item.codes.map((c) => c.match(ENDPOINT)).find(Boolean);
    const found = fromCode ?? text.match(ENDPOINT_IN_TEXT);
    if (!found) return undefined;
    const [, method, path] = found;
    const at = text.indexOf(path!);
    const answer = text.slice(at + path!.length).match(ANSWER)?.[1];
    if (answer === undefined) return undefined;
    const expect: string[] = [];
    const status = answer.match(STATUS)?.[1];
    if (status) expect.push(`status == ${status}`);
    for (const m of answer.matchAll(FIELD)) expect.push(`body.${m[1]} == ${celLiteral(m[2]!)}`);
    if (expect.length === 0) return undefined;
    const url = `\${BASE_URL}${path}`;
    return {
      check: { http: method && method !== 'GET' ? `${method} ${url}` : url, expect },
      matched: `${method ? `${method} ` : ''}${path} ${answer.trim().replace(/[.;,]$/, '')}`.trim(),
      ...(method && method !== 'GET'
        ? { note: `${method} changes state on the server: make sure calling it from the gate is safe` }
        : {}),
    };
  },
};

export default rule;
