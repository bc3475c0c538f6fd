import { constants } from 'node:fs';
import { access } from 'node:fs/promises';

/**
 * Whether an executable the tests need is installed. In CI (CI set) a missing one throws, so the suite
 * fails loudly; locally it returns false and the caller skips with the message printed here.
 * @example const ok = await binaryAvailable('/usr/sbin/dnsmasq', 'dnsmasq-base'); describe.skipIf(!ok)(...)
 */
export async function binaryAvailable(path: string, debianPackage: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    const message = `${path} is missing: install the Debian package ${debianPackage}`;
    if (process.env.CI) throw new Error(`${message} (required in CI)`);
    console.warn(`skipping tests that need ${path}: ${message}`);
    return false;
  }
}

/**
 * Poll `probe` until it returns a value (not undefined), at most `timeoutMs`; no fixed sleeps in tests,
 * only this bounded wait on a condition.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let delay = 20; Date.now() < deadline; delay = Math.min(delay * 2, 250)) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, delay));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
