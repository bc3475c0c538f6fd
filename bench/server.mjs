// The bench target: a plain node:http server in its own process, so serving does not share an event loop
// (or a CPU budget) with the client being measured. Prints its port on stdout, then serves until killed.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  const body = JSON.stringify({ ok: true, path: req.url });
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': 'bench',
  });
  res.end(body);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
