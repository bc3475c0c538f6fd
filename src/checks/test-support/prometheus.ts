import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './binaries.js';
import { closedPort } from './servers.js';

/** Where Debian's prometheus package installs the server. */
export const PROMETHEUS = '/usr/bin/prometheus';

/** A Prometheus server scraping itself on 127.0.0.1:<port>. */
export interface RunningPrometheus {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Start Prometheus on a free loopback port with a temp TSDB, scraping itself every second (and the
 * `host:port` targets in `scrape`, as job `gonogo`), and wait until the query `up` has a sample (so
 * tests query real data).
 */
export async function startPrometheus(opts: { scrape?: string[] } = {}): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'gonogo-prometheus-'));
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}`;
  const config = join(dir, 'prometheus.yml');
  await writeFile(
    config,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: prometheus',
      `    static_configs: [{ targets: ['127.0.0.1:${port}'] }]`,
      ...(opts.scrape?.length
        ? [
            '  - job_name: gonogo',
            `    static_configs: [{ targets: [${opts.scrape.map((t) => `'${t}'`).join(', ')}] }]`,
          ]
        : []),
      '',
    ].join('\n'),
  );
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const stop = async () => {
    await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      `Prometheus on ${url} to have a sample of up`,
      async () => {
        if (child.exitCode !== null)
          throw new Error(`prometheus exited with ${child.exitCode}: ${stderr.trim()}`);
        const res = await fetch(`${url}/api/v1/query?query=up`);
        const body = (await res.json()) as { data?: { result?: unknown[] } };
        return body.data?.result?.length ? true : undefined;
      },
      60_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
