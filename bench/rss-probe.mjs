// Preloaded with `node --import` into a measured process: on exit, write its peak resident set size
// (bytes) to $BENCH_RSS_FILE. Works where /usr/bin/time is missing and measures only that process.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
  });
}
