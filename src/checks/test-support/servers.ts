import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

/** A server listening on a free loopback port. */
export interface Running {
  port: number;
  /** `http://127.0.0.1:<port>` or `https://...`. */
  url: string;
  close(): Promise<void>;
}

type Closable = Pick<Server, 'listen' | 'address' | 'close' | 'once'> & { closeAllConnections?: () => void };

async function listen(server: Closable, scheme: string): Promise<Running> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Keep-alive sockets from the check's pool would hold close() open until they time out.
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Start a plain HTTP server on 127.0.0.1:<free port>. */
export function startHttpServer(handler: RequestListener): Promise<Running> {
  return listen(createHttpServer(handler), 'http');
}

/** Start an HTTPS server with the given key and certificate (PEM). */
export function startHttpsServer(
  tls: { key: string; cert: string },
  handler: RequestListener,
): Promise<Running> {
  return listen(createHttpsServer(tls, handler), 'https');
}

/** Start a TLS server that completes handshakes and closes; enough for the tls kind. */
export function startTlsServer(tls: { key: string; cert: string }): Promise<Running> {
  const server = createTlsServer(tls, (socket) => socket.end());
  return listen(server as unknown as Closable, 'tls');
}

/** Start a TCP server that accepts and closes connections. */
export function startTcpServer(): Promise<Running> {
  const server = createTcpServer((socket) => socket.end());
  return listen(server as unknown as Closable, 'tcp');
}

/** A loopback port where nothing listens (bound once by us, then released). */
export async function closedPort(): Promise<number> {
  const running = await startTcpServer();
  await running.close();
  return running.port;
}
