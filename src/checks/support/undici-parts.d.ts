// Types of the undici files http-client.ts imports by path (undici types only its index): the same
// values as the index's `Agent` and `interceptors.redirect`.
declare module 'undici/lib/dispatcher/agent.js' {
  const Agent: typeof import('undici').Agent;
  export default Agent;
}
declare module 'undici/lib/interceptor/redirect.js' {
  const redirect: typeof import('undici').interceptors.redirect;
  export default redirect;
}
declare module 'undici/lib/core/util.js' {
  /** A raw header name as undici names it: its own lower-case string for a known name. */
  const util: { headerNameToString(raw: Buffer): string };
  export default util;
}
declare module 'undici/lib/util/timers.js' {
  /** undici's clock for its coarse timers, moved on by `delay` ms and its timer list swept (tests only). */
  const timers: { tick(delay?: number): void };
  export default timers;
}
