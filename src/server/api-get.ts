import type { OpenAPIHono, RouteConfig, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from './env.js';
import { HttpProblem, problemResponse } from './problem.js';

/**
 * One answer for every validation failure of the API (its `defaultHook`): a 400 problem naming the
 * first bad field.
 */
export function validationProblem(
  result: { success: true } | { success: false; error: z.ZodError },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  let field = issue?.path.map(String).join('.') ?? '';
  if (issue?.code === 'unrecognized_keys') field = [field, issue.keys[0]].filter(Boolean).join('.');
  const detail =
    issue?.code === 'unrecognized_keys'
      ? `unknown field "${field}": this endpoint accepts only its documented fields (checks are defined in checklist files, never through the API)`
      : `${field || 'body'}: ${issue?.message ?? 'invalid'}`;
  return problemResponse(c, new HttpProblem(400, detail, field || undefined));
}

type Part<R extends RouteConfig, K extends 'params' | 'query'> = R['request'] extends {
  [P in K]: infer S extends z.ZodType;
}
  ? z.output<S>
  : undefined;

/** What the handler of a GET operation gets: its validated path parameters and query. */
export interface GetInput<R extends RouteConfig> {
  param: Part<R, 'params'>;
  query: Part<R, 'query'>;
}

/** Validated inputs kept per operation, by request target; emptied when full (any number of clients). */
export const GET_INPUTS_KEPT = 256;
/** Longer request targets are validated every time: the kept ones stay under a megabyte. */
const KEPT_TARGET_CHARS = 512;

/**
 * Serve a GET operation of the OpenAPI document as `api.openapi(route, handler)` does (the route in
 * the document, its query then its path parameters validated by the route's schemas, a failure
 * answered by `validationProblem`), with the validation in the handler's own layer. `api.openapi`
 * adds an async middleware per part, and each reads the request's Content-Type even on a GET, which
 * under @hono/node-server builds a Web `Headers` of the whole request: more than a preflight's answer.
 *
 * The validated input is a function of the request target alone (path and query, the schemas being
 * pure), and a polling client asks for the same one each time: it is kept, frozen, per target (at
 * most GET_INPUTS_KEPT targets of up to KEPT_TARGET_CHARS), so a repeated request skips the query's
 * parsing and both schemas. Failures are not kept (each is answered as it comes).
 */
export function openapiGet<R extends RouteConfig & { method: 'get' }>(
  api: OpenAPIHono<AppEnv>,
  route: R,
  handler: (c: Context<AppEnv>, input: GetInput<R>) => Response | Promise<Response>,
): void {
  api.openAPIRegistry.registerPath(route);
  const query = route.request?.query as z.ZodType | undefined;
  const params = route.request?.params as z.ZodType | undefined;
  const kept = new Map<string, GetInput<R>>();
  api.get(route.path.replaceAll(/\/{(.+?)}/g, '/:$1'), (c) => {
    const target = requestTarget(c.req.url);
    let input = kept.get(target);
    if (!input) {
      const validated = validateGet(c, query, params);
      if (validated instanceof Response) return validated;
      input = validated as unknown as GetInput<R>;
      if (target.length <= KEPT_TARGET_CHARS) {
        if (kept.size >= GET_INPUTS_KEPT) kept.clear();
        kept.set(target, input);
      }
    }
    return handler(c, input);
  });
}

/** The path and query of a URL (what the route, its parameters and its query are read from). */
function requestTarget(url: string): string {
  const at = url.indexOf('/', url.indexOf('//') + 2);
  return at < 0 ? url : url.slice(at);
}

/** The query then the path parameters of a request, validated and frozen; or the 400 answer. */
function validateGet(
  c: Context<AppEnv>,
  query: z.ZodType | undefined,
  params: z.ZodType | undefined,
): Readonly<Record<'param' | 'query', unknown>> | Response {
  const input: Record<'param' | 'query', unknown> = { param: undefined, query: undefined };
  if (query) {
    // The query as Hono's validator gives it: a repeated name as an array, others as strings.
    const given = Object.fromEntries(
      Object.entries(c.req.queries()).map(([k, v]) => (v.length === 1 ? [k, v[0]] : [k, v])),
    );
    const result = query.safeParse(given);
    if (!result.success) return validationProblem(result, c)!;
    input.query = Object.freeze(result.data);
  }
  if (params) {
    const result = params.safeParse(c.req.param());
    if (!result.success) return validationProblem(result, c)!;
    input.param = Object.freeze(result.data);
  }
  return Object.freeze(input);
}
