import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { promises as dns } from 'node:dns';
import { waitFor } from './binaries.js';

/** Where Debian's dnsmasq-base installs the binary. */
export const DNSMASQ = '/usr/sbin/dnsmasq';

/** A dnsmasq answering on 127.0.0.1:<port>. */
export interface RunningDnsmasq {
  /** `127.0.0.1:<port>`, the value of the dns kind's `server` option. */
  server: string;
  stop(): Promise<void>;
}

/** A UDP port free on loopback right now (bound, read, released). */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * Start dnsmasq as an authoritative-only resolver with the given options (`--address=...`,
 * `--txt-record=...`), and wait until it answers `probe` (an A record it serves).
 * @example await startDnsmasq(['--address=/gonogo.test/127.0.0.7'], 'gonogo.test')
 */
export async function startDnsmasq(records: string[], probe: string): Promise<RunningDnsmasq> {
  const port = await freeUdpPort();
  const child = spawn(
    DNSMASQ,
    [
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      `--port=${port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--no-resolv',
      '--no-hosts',
      '--pid-file=',
      '--log-facility=-',
      // Running as root, dnsmasq would otherwise switch to the user "nobody", which may not exist.
      ...(process.getuid?.() === 0 ? ['--user=root'] : []),
      ...records,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const server = `127.0.0.1:${port}`;
  const resolver = new dns.Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([server]);
  try {
    await waitFor(
      `dnsmasq on ${server}`,
      async () => {
        if (child.exitCode !== null)
          throw new Error(`dnsmasq exited with ${child.exitCode}: ${stderr.trim()}`);
        const answer = await resolver.resolve4(probe);
        return answer.length > 0 ? answer : undefined;
      },
      15_000,
    );
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
  return { server, stop: () => stopProcess(child) };
}
