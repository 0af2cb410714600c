// A fault-injecting HTTP proxy on a unix socket, in front of a real dockerd's socket: what a flaky, hostile or
// misdirected Engine API looks like to a client. Each request is forwarded (or not) by the fault set for its path;
// every request line is recorded.
import { rmSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * What the proxy does with a request:
 * - `pass`: forwards it to the upstream socket and the answer back, untouched;
 * - `upstream`: the same, to another socket (a worker's: one call answered by another node);
 * - `status`: answers `status` with `body` (dockerd's `{"message": …}`, or a proxy's HTML page), never asking upstream;
 * - `stall`: reads the request and never answers (the connection stays open until the proxy closes);
 * - `drip`: sends a 200 header and then one byte of a JSON answer every `everyMs`, for ever: never silent for long,
 *   never done;
 * - `truncate`: forwards the request, then sends the answer's header (with its true length) and the first `keep`
 *   of its body (a fraction), and closes the connection;
 * - `truncate-clean`: the same cut, but as a close-delimited HTTP/1.0 answer without a length: the body ends
 *   cleanly, only its JSON is incomplete;
 * - `hangup`: closes the connection without a byte of answer;
 * - `flood`: a 200 header, then `bytes` of one JSON string that never ends (`[{"x":"aaaa…`), as fast as the client
 *   reads, then silence: an answer far larger than any Engine API answer;
 * - `garbage`: answers with `text` that is not HTTP at all (another service on the socket), then closes.
 */
export type ProxyFault =
  | { readonly kind: 'pass' }
  | { readonly kind: 'upstream'; readonly socketPath: string }
  | { readonly kind: 'status'; readonly status: number; readonly body: string; readonly contentType?: string }
  | { readonly kind: 'stall' }
  | { readonly kind: 'drip'; readonly everyMs: number }
  | { readonly kind: 'truncate' | 'truncate-clean'; readonly keep: number }
  | { readonly kind: 'hangup' }
  | { readonly kind: 'flood'; readonly bytes: number }
  | { readonly kind: 'garbage'; readonly text: string };

/** One answer relayed from upstream (kept only with `keepAnswers`). */
export interface Relayed {
  readonly request: string;
  readonly status: number;
  readonly body: Buffer;
}

export interface FaultProxy {
  readonly path: string;
  /** `GET /info` lines (method and path with its query), in the order they came. */
  readonly requests: string[];
  /** Faults by request path without its query (`/info`, `/tasks`); unlisted paths pass. */
  readonly faults: Map<string, ProxyFault>;
  /** Where requests that pass go. */
  upstream: string;
  /** The answers relayed untouched (`pass`, `upstream`), with their bodies, when started with `keepAnswers`. */
  readonly relayed: Relayed[];
  close(): Promise<void>;
}

function forward(req: IncomingMessage, socketPath: string): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const up = request({ socketPath, method: req.method, path: req.url, headers: req.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    up.on('error', reject);
    req.pipe(up);
  });
}

function relay(req: IncomingMessage, res: ServerResponse, socketPath: string, keep?: Relayed[]): void {
  const up = request({ socketPath, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    if (keep) {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        keep.push({ request: `${req.method ?? '?'} ${req.url ?? ''}`, status: answer.statusCode ?? 0, body: Buffer.concat(chunks) });
      });
    }
    answer.pipe(res);
  });
  up.on('error', (error) => {
    res.destroy(error);
  });
  req.pipe(up);
}

/** Starts a proxy listening on `path` (an existing file there is replaced), forwarding to `upstream`. */
export function faultProxy(path: string, upstream: string, options: { keepAnswers?: boolean } = {}): Promise<FaultProxy> {
  const requests: string[] = [];
  const relayed: Relayed[] = [];
  const keep = options.keepAnswers ? relayed : undefined;
  const faults = new Map<string, ProxyFault>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const proxy: FaultProxy = {
    path,
    requests,
    faults,
    upstream,
    relayed,
    close: () =>
      new Promise<void>((done) => {
        for (const timer of timers) clearInterval(timer);
        for (const s of sockets) s.destroy();
        server.close(() => {
          done();
        });
      }),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    requests.push(`${req.method ?? '?'} ${url}`);
    // Engine API paths may carry a version prefix (/v1.47/info): faults are keyed by the path after it.
    const key = url.replace(/\?.*$/s, '').replace(/^\/v\d+\.\d+(?=\/)/, '');
    const fault = faults.get(key) ?? { kind: 'pass' };
    const socket = req.socket;
    switch (fault.kind) {
      case 'pass':
        relay(req, res, proxy.upstream, keep);
        return;
      case 'upstream':
        relay(req, res, fault.socketPath, keep);
        return;
      case 'status':
        req.resume();
        res.writeHead(fault.status, {
          'Content-Type': fault.contentType ?? 'application/json',
          'Content-Length': String(Buffer.byteLength(fault.body)),
        });
        res.end(fault.body);
        return;
      case 'flood': {
        req.resume();
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const chunk = Buffer.alloc(1 << 20, 0x61);
        let left = fault.bytes;
        const pump = (): void => {
          while (left > 0 && !socket.destroyed) {
            const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
            left -= part.length;
            if (!res.write(part)) return;
          }
          res.off('drain', pump);
        };
        res.write('[{"x":"');
        res.on('drain', pump);
        pump();
        return;
      }
      case 'garbage':
        req.resume();
        socket.end(fault.text);
        return;
      case 'stall':
        req.resume();
        return;
      case 'drip': {
        req.resume();
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const text = '[' + ' '.repeat(1 << 20);
        let i = 0;
        const timer = setInterval(() => {
          res.write(text[Math.min(i++, text.length - 1)] ?? ' ');
        }, fault.everyMs);
        timers.add(timer);
        socket.on('close', () => {
          clearInterval(timer);
          timers.delete(timer);
        });
        return;
      }
      case 'hangup':
        req.resume();
        socket.destroy();
        return;
      case 'truncate':
      case 'truncate-clean': {
        const answer = await forward(req, proxy.upstream);
        const cut = answer.body.subarray(0, Math.floor(answer.body.length * fault.keep));
        if (fault.kind === 'truncate') {
          // The true length is announced; the connection closes short of it.
          const headers = { ...answer.headers, 'content-length': String(answer.body.length) };
          Reflect.deleteProperty(headers, 'transfer-encoding');
          res.writeHead(answer.status, headers);
          res.write(cut, () => {
            socket.destroy();
          });
        } else {
          // A close-delimited answer: no length, no chunks; the body is whatever came before the close.
          const type = answer.headers['content-type'] ?? 'application/json';
          socket.end(
            Buffer.concat([Buffer.from(`HTTP/1.0 ${String(answer.status)} OK\r\nContent-Type: ${type}\r\nConnection: close\r\n\r\n`), cut]),
          );
        }
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.destroy(error as Error);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // No limit of its own on how long a request may take: a stall is the proxy's to end, at close.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  rmSync(path, { force: true });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      resolve(proxy);
    });
  });
}
