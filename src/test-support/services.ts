import { Socket } from 'node:net';

/** Local services of this machine (DESIGN: tests use them for real). */
export const SERVICES = {
  postgres: { host: '127.0.0.1', port: 5432, url: 'postgres://postgres@127.0.0.1:5432/test' },
  mysql: { host: '127.0.0.1', port: 3306, url: 'mysql://root@127.0.0.1:3306/test' },
  redis: { host: '127.0.0.1', port: 6379, url: 'redis://127.0.0.1:6379' },
} as const;

function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('error', () => done(false));
    s.connect(port, host, () => done(true));
  });
}

/**
 * Whether a local service is up. In CI (CI=true) a missing service throws, so the suite fails loudly;
 * on a laptop it returns false and the caller skips with a clear message.
 * @example const up = await serviceAvailable('postgres'); describe.skipIf(!up)(...)
 */
export async function serviceAvailable(name: keyof typeof SERVICES): Promise<boolean> {
  const svc = SERVICES[name];
  const ok = await reachable(svc.host, svc.port);
  if (!ok && process.env.CI)
    throw new Error(`${name} is not reachable on ${svc.host}:${svc.port} (required in CI)`);
  if (!ok) console.warn(`skipping ${name} tests: nothing listens on ${svc.host}:${svc.port}`);
  return ok;
}
