import * as z from 'zod';
import type { CheckContext } from '../engine/check.js';
import { CheckFailure, defineCheck } from '../engine/check.js';
import {
  abortMessage,
  describeNetworkError,
  elapsedMs,
  type HostPort,
  isResolutionError,
  parseHostPort,
  targetSchema,
} from './support/net.js';

/** Open a TCP connection, resolving with the connect time in milliseconds. */
async function connect({ host, port }: HostPort, ctx: CheckContext): Promise<number> {
  const net = await import('node:net');
  const started = performance.now();
  return new Promise<number>((resolve, reject) => {
    const socket = net.connect({ host, port });
    const onAbort = () => {
      socket.destroy();
      reject(
        new CheckFailure(abortMessage(ctx.signal, `connect to ${host}:${port}`, ctx.timeoutMs), {
          connected: false,
        }),
      );
    };
    if (ctx.signal.aborted) return onAbort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      const latency = elapsedMs(started);
      ctx.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(latency);
    });
    socket.on('error', (err) => {
      ctx.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      // An unresolvable name says nothing about the port: keep `connected == false` from passing on a typo.
      const partial = isResolutionError(err) ? {} : { connected: false };
      reject(new CheckFailure(describeNetworkError(err, `${host}:${port}`), partial));
    });
  });
}

export default defineCheck({
  kind: 'tcp',
  summary: 'Open a TCP connection to host:port and time it.',
  target: targetSchema(parseHostPort, 'tcp needs a target: host:port, e.g. db.example.com:5432'),
  options: z.strictObject({}),
  variables: {
    connected: { type: 'bool', description: 'The connection was accepted.' },
    latency_ms: { type: 'double', description: 'Time to establish the connection, in milliseconds.' },
  },
  defaultExpect: ['connected'],
  hostKey: ({ host, port }) => `${host}:${port}`,
  async run(target, _options, ctx) {
    const latency = await connect(target, ctx);
    return { connected: true, latency_ms: latency };
  },
});
