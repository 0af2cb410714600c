// A replay of the Docker Engine API on a unix socket: serves recorded (or generated) answers to the paths the
// audit calls, the way dockerd does (optional `/vX.Y` prefix, JSON bodies, `{"message": …}` errors, the
// `desired-state` filter of `/tasks`), and logs every request line. Used by bench/audit.ts (the 1,000-node
// cluster) and test/cli/audit.ts (the recorded lab scenarios). A replay, not a Docker: it knows six paths.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The answers of one engine, by name: info, version, swarm, nodes, networks, services, tasks. */
export type Answers = Partial<Record<AnswerName, unknown>>;
export type AnswerName = 'info' | 'version' | 'swarm' | 'nodes' | 'networks' | 'services' | 'tasks';
export const ANSWER_NAMES: readonly AnswerName[] = ['info', 'version', 'swarm', 'nodes', 'networks', 'services', 'tasks'];

/** What a path answers instead of its recorded answer. */
export interface Failure {
  /** 500 unless said. */
  status?: number;
  message?: string;
  /** Never answer (the request hangs until the client gives up). */
  hang?: boolean;
}

export interface ReplayOptions {
  /** Answers by name, or already serialised bodies (the benchmark renders them once). */
  answers: Answers;
  bodies?: Partial<Record<AnswerName, Buffer>>;
  /** Per answer name: answer with an error or not at all. */
  failures?: Partial<Record<AnswerName, Failure>>;
}

export interface Replay {
  socketPath: string;
  /** `GET /v1.41/tasks?filters=…` lines, in arrival order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Reads a recorded scenario folder of fixtures/engine-api/. */
export function readScenario(dir: string): Answers {
  const answers: Answers = {};
  for (const name of ANSWER_NAMES) answers[name] = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as unknown;
  return answers;
}

const PATHS: Readonly<Record<string, AnswerName>> = {
  '/info': 'info',
  '/version': 'version',
  '/swarm': 'swarm',
  '/nodes': 'nodes',
  '/networks': 'networks',
  '/services': 'services',
  '/tasks': 'tasks',
};

/** dockerd's `filters` query parameter: `{"desired-state": ["running"]}` or `{"desired-state": {"running": true}}`. */
function desiredStates(url: URL): string[] | undefined {
  const text = url.searchParams.get('filters');
  if (!text) return undefined;
  const value = (JSON.parse(text) as Record<string, unknown>)['desired-state'];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.map(String) : Object.keys(value as object);
}

function send(res: ServerResponse, status: number, body: Buffer): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length, Server: 'swarmlint-replay' });
  res.end(body);
}

export function serveEngineApi(socketPath: string, options: ReplayOptions): Promise<Replay> {
  const requests: string[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // A server's requests always have a method and a URL.
    const method = req.method as string;
    requests.push(`${method} ${req.url as string}`);
    const url = new URL(req.url as string, 'http://engine');
    const name = PATHS[url.pathname.replace(/^\/v\d+\.\d+/, '')];
    if (method !== 'GET' || name === undefined) {
      send(res, 404, Buffer.from(JSON.stringify({ message: `page not found: ${method} ${url.pathname}` })));
      return;
    }
    const failure = options.failures?.[name];
    if (failure?.hang) {
      hanging.add(res);
      return;
    }
    if (failure) {
      send(res, failure.status ?? 500, Buffer.from(JSON.stringify({ message: failure.message ?? 'replayed failure' })));
      return;
    }
    const rendered = options.bodies?.[name];
    if (rendered) {
      send(res, 200, rendered);
      return;
    }
    let answer = options.answers[name];
    const states = name === 'tasks' ? desiredStates(url) : undefined;
    if (states && Array.isArray(answer))
      answer = answer.filter((t) => states.includes(String((t as { DesiredState?: unknown }).DesiredState)));
    send(res, 200, Buffer.from(JSON.stringify(answer)));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      resolve({
        socketPath,
        requests,
        close: () =>
          new Promise<void>((done) => {
            for (const res of hanging) res.destroy();
            server.closeAllConnections();
            server.close(() => {
              done();
            });
          }),
      });
    });
  });
}
