// The Engine API adapter against answers no dockerd gives but a proxy, another service or a broken engine may:
// error pages of many lines with terminal escapes, connections that close early, bytes that are not HTTP, answers
// without end. Each is an EngineApiError in one line a person can act on, with memory bounded.
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineApiError, engineApi, JsonArraySplitter, MAX_ANSWER_BYTES, oneLine, resolveEndpoint } from '../../probes/adapters/docker.js';

/** A unix socket path in a short folder of its own (removed at the end of the test). */
function socketPath(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'swl-hostile-'));
  t.teardown(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return join(dir, 'engine.sock');
}

async function serve(t: Test, handler: RequestListener): Promise<string> {
  const path = socketPath(t);
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  );
  return path;
}

/** A server that is not HTTP: `onConnection` gets the raw socket. */
async function serveRaw(t: Test, onConnection: (socket: Socket) => void): Promise<string> {
  const path = socketPath(t);
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          resolve();
        });
      }),
  );
  return path;
}

const api = (path: string, timeoutMs = 5_000) => engineApi(resolveEndpoint(`unix://${path}`, {}), timeoutMs);
const signal = new AbortController().signal;

t.test('oneLine: one line of printable text, at most 300 characters', (t) => {
  t.equal(oneLine('  a\r\n\tb  '), 'a b');
  t.equal(oneLine('red \u001b[31malert\u001b[0m\u0007 \u202egnp.exe\u2028x\u2029y\u0000z'), 'red [31malert [0m gnp.exe x y z');
  t.equal(oneLine(''), '');
  const long = oneLine('é'.repeat(1000));
  t.equal(Array.from(long).length, 300, '300 characters');
  t.ok(long.endsWith('é…'), 'cut, and says so');
  t.equal(oneLine('😀'.repeat(400)).length, 299 * 2 + 1, 'cut between characters, never inside a surrogate pair');
  t.end();
});

t.test("an error page of many lines with terminal escapes: one line in the error's message", async (t) => {
  const page = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\u001b[2J\u001b]0;owned\u0007\r\n</body>\r\n</html>\r\n';
  const socket = await serve(t, (req, res) => {
    if (req.url?.startsWith('/info')) {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end(page);
    } else {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: 'first line\nsecond line\u001b[0m' }));
    }
  });
  await t.rejects(
    api(socket).info(signal),
    new EngineApiError('HTTP 502: <html> <head><title>502 Bad Gateway</title></head> <body> [2J ]0;owned </body> </html>', 502),
  );
  await t.rejects(api(socket).swarm(signal), new EngineApiError('HTTP 500: first line second line [0m', 500), "dockerd's message, too");
});

t.test('a long error answer: the message is bounded, the rest read and dropped', async (t) => {
  const mib = Buffer.alloc(1 << 20, 'x');
  const socket = await serve(t, (_req, res) => {
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    let left = 64;
    const pump = (): void => {
      while (left > 0) {
        left--;
        if (!res.write(mib)) return;
      }
      res.end();
    };
    res.on('drain', pump);
    pump();
  });
  const error = (await api(socket)
    .info(signal)
    .catch((e: unknown) => e)) as EngineApiError;
  t.equal(error.statusCode, 500);
  t.equal(error.message, `HTTP 500: ${'x'.repeat(299)}…`, 'the start of it, on one line, once all 64 MiB were read');
});

t.test('a connection that closes early, and bytes that are not HTTP: what happened, in words', async (t) => {
  const hangup = await serveRaw(t, (socket) => {
    socket.once('data', () => socket.destroy());
  });
  await t.rejects(api(hangup).info(signal), new EngineApiError('the engine closed the connection without answering (socket hang up)'));

  const half = await serveRaw(t, (socket) => {
    socket.once('data', () => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[{"ID": "a"}, {"ID"', () =>
        socket.destroy(),
      );
    });
  });
  await t.rejects(api(half).nodes(signal), new EngineApiError('the connection closed before the whole answer came (aborted)'), 'a list');
  await t.rejects(api(half).info(signal), new EngineApiError('the connection closed before the whole answer came (aborted)'), 'an object');

  const ssh = await serveRaw(t, (socket) => {
    socket.once('data', () => socket.end('SSH-2.0-OpenSSH_9.6\r\n'));
  });
  await t.rejects(api(ssh).info(signal), {
    name: 'EngineApiError',
    message: /^the answer is not HTTP, is this a Docker Engine\? \(Parse Error: [^\n]+\)$/,
  });
});

t.test('JsonArraySplitter: an element that grows over its limit across chunks is an error, not held', (t) => {
  const seen: string[] = [];
  const splitter = new JsonArraySplitter((text) => seen.push(text), 12);
  splitter.push(Buffer.from('[{"a": 1}, {"b": "'));
  splitter.push(Buffer.from('12345'));
  t.same(seen, ['{"a": 1}'], 'the first element; the second has 12 bytes so far');
  t.throws(
    () => {
      splitter.push(Buffer.from('6'));
    },
    new EngineApiError('the engine answered a list call with an element over 12 bytes: not an answer a Docker Engine gives'),
    'the 13th byte',
  );
  const fits = new JsonArraySplitter((text) => seen.push(text), 12);
  fits.push(Buffer.from('[{"d": "12'));
  fits.push(Buffer.from('3"},{"e": "1'));
  fits.push(Buffer.from('2"}]'));
  fits.end();
  t.same(seen.slice(1), ['{"d": "123"}', '{"e": "12"}'], 'the count starts again with each element');
  t.equal(MAX_ANSWER_BYTES, 16 * 1024 * 1024);
  t.end();
});

t.test('an answer without end (an object or one list element): given up past 16 MiB, not held', async (t) => {
  const mib = Buffer.alloc(1 << 20, 'a');
  let sent = 0;
  const socket = await serve(t, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('[{"ID": "');
    // 64 MiB at most, as fast as it is read; a client that gives up stops it.
    let left = 64;
    const pump = (): void => {
      while (left > 0 && !res.destroyed) {
        left--;
        sent++;
        if (!res.write(mib)) return;
      }
    };
    res.on('drain', pump);
    pump();
  });
  const started = Date.now();
  await t.rejects(
    api(socket).info(signal),
    new EngineApiError("the engine's answer to /info is over 16 MiB: not an answer a Docker Engine gives"),
  );
  await t.rejects(
    api(socket).tasks(signal),
    new EngineApiError('the engine answered a list call with an element over 16 MiB: not an answer a Docker Engine gives'),
  );
  t.ok(Date.now() - started < 4_000, 'at once, not at a timeout');
  t.ok(sent < 2 * 40, `the client stopped reading (${String(sent)} MiB sent of 128)`);
});
