import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  body: unknown;
  headers: IncomingMessage['headers'];
}

/** A real HTTP server on loopback standing in for Slack: each request gets the next scripted answer. */
export async function startSlackReceiver(script: ((res: ServerResponse) => void)[] = []): Promise<{ url: string; received: Received[]; close(): Promise<void>; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => {
      received.push({ body: JSON.parse(data || 'null'), headers: req.headers });
      const answer = script.shift() ?? ((r: ServerResponse) => { r.writeHead(200, { 'content-type': 'text/plain' }); r.end('ok'); });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/secret-token`,
    received,
    server,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
