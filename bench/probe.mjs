// Preloaded with `node --import` into a measured process: on exit, write its peak resident set size
// (bytes) and CPU time (ms, user + system) as JSON to $BENCH_PROBE_FILE. Works where /usr/bin/time is
// missing and measures only that process. CPU time is what a busy machine distorts least.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_PROBE_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({ peakRss: u.maxRSS * 1024, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }),
    );
  });
}
