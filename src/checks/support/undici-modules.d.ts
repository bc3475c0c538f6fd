// undici's own modules that the http kind imports instead of its index (see `loadUndici` in http.ts).
// CommonJS: each one's module.exports is its default export.
declare module 'undici/lib/dispatcher/agent.js' {
  const Agent: typeof import('undici').Agent;
  export default Agent;
}
declare module 'undici/lib/interceptor/redirect.js' {
  const redirect: typeof import('undici').interceptors.redirect;
  export default redirect;
}
declare module 'undici/lib/api/api-request.js' {
  import type { Dispatcher } from 'undici';

  const request: (this: Dispatcher, opts: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
  export default request;
}
