// The raw floor: an undici Pool doing the same requests as the gonogo run, with the same concurrency,
// reading and parsing each JSON body and looking at the status, the body and the header, as the
// bench's three conditions do.
//   node bench/raw-client.mjs BASE_URL COUNT CONCURRENCY
import { Pool } from 'undici';

const [base, countArg, concurrencyArg] = process.argv.slice(2);
const count = Number(countArg);
const concurrency = Number(concurrencyArg);
const pool = new Pool(base, { connections: concurrency });

let next = 0;
let ok = 0;
async function worker() {
  while (next < count) {
    const i = next++;
    const res = await pool.request({ path: `/item/${i}`, method: 'GET' });
    const body = await res.body.json();
    if (res.statusCode === 200 && body.ok === true && res.headers['x-request-id']) ok += 1;
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
await pool.close();
if (ok !== count) {
  console.error(`raw client: ${count - ok} of ${count} requests did not return 200 with ok: true`);
  process.exit(1);
}
