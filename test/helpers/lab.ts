// What the lab test files share: run only when the lab can (root, dockerd…; test/lab/prereq.ts), dist/ fresher than
// the sources a child process runs, a temporary folder, a lab with the deep audit's probe image loaded, and a proxy
// that records every Engine API request line (the proof of what a command writes).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { buildDeepImage, decide, prerequisites, up, type Lab } from '../../lab/index.js';
import { DEEP_IMAGE } from '../../probes/deep/image.js';
import { ROOT } from './cli.js';

/** Runs `main` when the lab's prerequisites are met; otherwise skips the file (or fails it in CI). */
export async function whenLabCan(t: Test, main: () => Promise<void>): Promise<void> {
  const decision = decide(prerequisites());
  if (decision.run) await main();
  else if ('fail' in decision) t.fail(decision.fail);
  else t.plan(0, decision.skip);
}

/** Whether dist/`built` exists and is newer than `source` (both relative to the root); a failure says to build. */
export function distFresh(t: Test, built: string, source: string): boolean {
  const at = (path: string): number | undefined => statSync(join(ROOT, path), { throwIfNoEntry: false })?.mtimeMs;
  const builtAt = at(built);
  if (builtAt !== undefined && builtAt >= (at(source) ?? 0)) return true;
  t.fail(`${built} is missing or older than ${source}: run npm run build first`);
  return false;
}

/** A temporary folder, removed when the test ends. */
export function tempDir(t: Test, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/**
 * A lab of `nodes` nodes (the first a manager) with the probe image ({@link DEEP_IMAGE}) built into `dir` while the
 * lab comes up, then loaded on every node; torn down when the test ends.
 */
export async function labWithDeepImage(t: Test, dir: string, nodes = 3): Promise<{ lab: Lab; archive: string }> {
  const began = Date.now();
  const archive = join(dir, 'deep.tar');
  const [lab] = await Promise.all([
    up({
      nodes,
      managers: 1,
      log: (line) => {
        t.comment(line);
      },
    }),
    Promise.resolve().then(() => {
      buildDeepImage(archive);
    }),
  ]);
  t.teardown(() => lab.down());
  await lab.loadImage(archive, DEEP_IMAGE);
  t.comment(
    `lab up and ${DEEP_IMAGE} (${(statSync(archive).size / 1e6).toFixed(1)} MB) loaded on ${String(nodes)} nodes after ${String(Date.now() - began)} ms`,
  );
  return { lab, archive };
}

export interface Proxy {
  path: string;
  /** Request lines (`GET /info HTTP/1.1`) as the client sent them, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A unix socket in front of another: forwards the bytes both ways untouched, and logs every HTTP request line the
 * client sends: at the start of the stream, after a request's blank line, or after a JSON body (the creates).
 * Closed when the test ends.
 */
export function recordingProxy(t: Test, path: string, target: string): Promise<Proxy> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target);
    sockets.add(client).add(upstream);
    let pending = '';
    client.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      let consumed = 0;
      for (const m of pending.matchAll(/(?:^|\r\n\r\n|\})([A-Z]+ \S+ HTTP\/1\.[01])\r\n/g)) {
        if (m[1]) requests.push(m[1]);
        consumed = m.index + m[0].length;
      }
      pending = pending.slice(Math.max(consumed, pending.length - 200));
    });
    client.pipe(upstream).pipe(client);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  return new Promise((resolve) => {
    server.listen(path, () => {
      const proxy: Proxy = {
        path,
        requests,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => {
              done();
            });
          }),
      };
      t.teardown(() => proxy.close());
      resolve(proxy);
    });
  });
}
