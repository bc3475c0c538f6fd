import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { StoreInputError, StoreUnavailableError } from '../engine/store.js';

/** RFC 9457 problem details, the body of every API error. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The request field at fault (body field or query parameter), when one is. */
  field?: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An error a handler throws to answer with a problem document. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly detail: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  /** The problem document. `type` is a stable URI fragment per status, documented in docs/api.md. */
  toProblem(): Problem {
    const title = TITLES[this.status] ?? 'Error';
    return {
      type: `https://gonogo.dev/problems/${title.toLowerCase().replace(/ /g, '-')}`,
      title,
      status: this.status,
      detail: this.detail,
      ...(this.field !== undefined ? { field: this.field } : {}),
    };
  }
}

/** Answer with `application/problem+json`. */
export function problemResponse(c: Context, p: HttpProblem): Response {
  for (const [k, v] of Object.entries(p.headers)) c.header(k, v);
  return c.body(JSON.stringify(p.toProblem()), p.status, { 'Content-Type': 'application/problem+json' });
}

/**
 * A store error as the problem it is for the client: unavailable is 503 (nothing was recorded, retry),
 * a value the store refuses is 400 naming the field. Undefined for any other error.
 */
export function storeProblem(err: unknown): HttpProblem | undefined {
  if (err instanceof StoreUnavailableError) {
    return new HttpProblem(
      503,
      'the store is unavailable right now; nothing was recorded, retry shortly',
      undefined,
      {
        'Retry-After': '1',
      },
    );
  }
  if (err instanceof StoreInputError) return new HttpProblem(400, err.message, err.field);
  return undefined;
}
