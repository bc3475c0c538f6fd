// The baseline: a raw undici client doing the same requests as the gonogo run, with the same
// concurrency, reading and parsing each JSON body and looking at the status, as a check would.
//   node bench/raw-client.mjs BASE_URL COUNT CONCURRENCY
import { Agent, request } from 'undici';

const [base, countArg, concurrencyArg] = process.argv.slice(2);
const count = Number(countArg);
const concurrency = Number(concurrencyArg);
const dispatcher = new Agent({ connections: concurrency });

let next = 0;
let ok = 0;
async function worker() {
  while (next < count) {
    const i = next++;
    const res = await request(`${base}/item/${i}`, { dispatcher });
    const body = await res.body.json();
    if (res.statusCode === 200 && body.ok === true && res.headers['x-request-id']) ok += 1;
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
await dispatcher.close();
if (ok !== count) {
  console.error(`raw client: ${count - ok} of ${count} requests did not return 200 with ok: true`);
  process.exit(1);
}
