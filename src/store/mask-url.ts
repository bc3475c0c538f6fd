/** `scheme://…`: a URL, as opposed to a file path (`C:\…` and `./a:b` have no `//` after the colon). */
export const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** The URL with any password replaced by `***`, parsed as browsers do (a password holding `@` included). */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    // Unparsable: show the scheme only, never what might be credentials.
    const scheme = URL_SCHEME.exec(url)?.[1]?.toLowerCase() ?? 'url';
    return `${scheme}://<unparsable URL, not shown>`;
  }
}
