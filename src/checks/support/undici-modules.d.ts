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
