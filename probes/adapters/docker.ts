/**
 * The Docker Engine API, on Node's own HTTP client. This is the only file that talks to an engine. It resolves
 * where the engine is the way the docker CLI does (DOCKER_HOST, DOCKER_CONTEXT, the current context in the docker
 * config, DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH) and offers GET calls only, each with a timeout of
 * silence and an AbortSignal. Transports: a unix socket, tcp (with TLS and client certificates), and ssh as the
 * docker CLI does it: `ssh … docker system dial-stdio` on the remote host, so ~/.ssh/config, the agent and known
 * hosts are the user's own.
 *
 * No client library: the audit needs six GET calls, and dockerode brought BuildKit's gRPC code, an ssh
 * implementation with native parts and 30 packages with it. A list answer is parsed here one element at a time as
 * it streams in, keeping only what the caller asks for, so a 50,000-task answer is never held whole.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';

/** Where the engine is and how to talk to it. */
export interface EngineOptions {
  socketPath?: string;
  host?: string;
  port?: string;
  protocol?: 'http' | 'https' | 'ssh';
  username?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** https only: check the engine's certificate (false for `DOCKER_TLS` without verify, or SkipTLSVerify). */
  verify?: boolean;
}

export interface Endpoint {
  /** Where, for people and logs: `unix:///var/run/docker.sock`, `tcp://10.0.0.1:2376 (TLS)`. No secrets. */
  description: string;
  options: EngineOptions;
}

export class EndpointError extends Error {
  override readonly name = 'EndpointError';
}

type Env = Readonly<Record<string, string | undefined>>;

function configDir(env: Env, home: string): string {
  return env.DOCKER_CONFIG ?? join(home, '.docker');
}

function readTls(dir: string): Pick<EngineOptions, 'ca' | 'cert' | 'key'> {
  const file = (name: string): Buffer | undefined => (existsSync(join(dir, name)) ? readFileSync(join(dir, name)) : undefined);
  const ca = file('ca.pem');
  const cert = file('cert.pem');
  const key = file('key.pem');
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

/** A host for messages: the password of `tcp://user:pass@host` (or anything that looks like one) removed. */
export function redactHost(host: string): string {
  try {
    const url = new URL(host);
    if (url.password) url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return host.replace(/\/\/([^/@]*)@/, (_m, userinfo: string) => `//${userinfo.replace(/:.*$/s, '')}@`);
  }
}

/** `unix:///x`, `tcp://h:p`, `ssh://u@h` → engine options (without TLS material). */
function fromHost(host: string, tls: boolean): { options: EngineOptions; tcp: boolean } {
  if (host.startsWith('unix://')) return { options: { socketPath: host.slice('unix://'.length) || '/var/run/docker.sock' }, tcp: false };
  if (host.startsWith('npipe://'))
    return { options: { socketPath: host.slice('npipe://'.length) || '//./pipe/docker_engine' }, tcp: false };
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new EndpointError(`"${redactHost(host)}" is not a Docker host (unix:///path, tcp://host:port or ssh://user@host)`);
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    // The docker CLI's defaults: 2376 with TLS, 2375 without.
    const secure = tls || url.protocol === 'https:';
    return {
      options: { host: url.hostname, port: url.port || (secure ? '2376' : '2375'), protocol: secure ? 'https' : 'http' },
      tcp: true,
    };
  }
  if (url.protocol === 'ssh:') {
    return {
      options: {
        host: url.hostname,
        port: url.port || '22',
        protocol: 'ssh',
        ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      },
      tcp: false,
    };
  }
  throw new EndpointError(`"${redactHost(host)}": unsupported Docker host scheme ${url.protocol}`);
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new EndpointError(`${what} ${file}: ${(error as Error).message}`);
  }
}

/**
 * Where the engine is, in the docker CLI's order: an explicit host (`--docker-host`), DOCKER_HOST,
 * DOCKER_CONTEXT, the config's `currentContext`, then the default socket.
 */
export function resolveEndpoint(explicitHost?: string, env: Env = process.env, home: string = homedir()): Endpoint {
  const host = explicitHost ?? env.DOCKER_HOST;
  if (host) {
    // Like the docker CLI: any non-empty DOCKER_TLS_VERIFY (even "0") verifies; DOCKER_TLS alone encrypts only.
    const verify = (env.DOCKER_TLS_VERIFY ?? '') !== '';
    const tls = verify || (env.DOCKER_TLS ?? '') !== '';
    const { options, tcp } = fromHost(host, tls);
    if (tcp && options.protocol === 'https') {
      Object.assign(options, readTls(env.DOCKER_CERT_PATH ?? configDir(env, home)), { verify });
      return { description: `${redactHost(host)} (TLS${verify ? '' : ', not verified'})`, options };
    }
    return { description: redactHost(host), options };
  }
  let context = env.DOCKER_CONTEXT;
  if (!context) {
    const config = join(configDir(env, home), 'config.json');
    if (existsSync(config)) context = (readJson(config, 'the docker config') as { currentContext?: string } | null)?.currentContext;
  }
  if (context && context !== 'default') {
    const id = createHash('sha256').update(context).digest('hex');
    const metaFile = join(configDir(env, home), 'contexts', 'meta', id, 'meta.json');
    if (!existsSync(metaFile)) throw new EndpointError(`Docker context "${context}" not found (${metaFile})`);
    const meta = readJson(metaFile, `Docker context "${context}":`) as {
      Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
    } | null;
    const docker = meta?.Endpoints?.docker;
    const ctxHost = docker?.Host;
    if (!ctxHost) throw new EndpointError(`Docker context "${context}" has no docker endpoint`);
    const tlsDir = join(configDir(env, home), 'contexts', 'tls', id, 'docker');
    const tls = existsSync(tlsDir);
    const { options, tcp } = fromHost(ctxHost, tls);
    if (tcp && options.protocol === 'https') Object.assign(options, readTls(tlsDir), { verify: docker.SkipTLSVerify !== true });
    const how = options.protocol === 'https' ? (options.verify === false ? ', TLS, not verified' : ', TLS') : '';
    return { description: `${redactHost(ctxHost)} (context ${context}${how})`, options };
  }
  return { description: 'unix:///var/run/docker.sock', options: { socketPath: '/var/run/docker.sock' } };
}

/** An Engine API answer that was an HTTP error, with the engine's own message; or no answer at all. */
export class EngineApiError extends Error {
  override readonly name = 'EngineApiError';
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

/**
 * A transport error (socket, TLS, abort) in words a person can act on; `answering`: the answer had begun (its
 * status line came) when it happened.
 */
export function toEngineApiError(error: unknown, answering = false): EngineApiError {
  if (error instanceof EngineApiError) return error;
  const e = error as { message?: string; code?: string; name?: string };
  const detail = e.message ?? String(error);
  if (e.code === 'ENOENT') return new EngineApiError(`no Docker socket there (${detail})`);
  if (e.code === 'EACCES') return new EngineApiError(`permission denied on the Docker socket (${detail})`);
  if (e.code === 'ECONNREFUSED') return new EngineApiError(`connection refused (${detail})`);
  // Node says "socket hang up" before an answer and "aborted" in the middle of one.
  if (e.code === 'ECONNRESET')
    return new EngineApiError(
      answering
        ? `the connection closed before the whole answer came (${detail})`
        : `the engine closed the connection without answering (${detail})`,
    );
  if (e.code?.startsWith('HPE_')) return new EngineApiError(`the answer is not HTTP, is this a Docker Engine? (${oneLine(detail)})`);
  if (e.name === 'AbortError') return new EngineApiError('timed out');
  return new EngineApiError(detail);
}

/** What to keep of one element of a list answer; `undefined` drops it. */
export type Keep = (item: unknown) => unknown;

/** The read-only calls the audit makes: one call per kind, whatever the size of the cluster. */
export interface EngineApi {
  info(signal: AbortSignal): Promise<unknown>;
  swarm(signal: AbortSignal): Promise<unknown>;
  nodes(signal: AbortSignal, keep?: Keep): Promise<unknown[]>;
  networks(signal: AbortSignal, keep?: Keep): Promise<unknown[]>;
  services(signal: AbortSignal, keep?: Keep): Promise<unknown[]>;
  tasks(signal: AbortSignal, keep?: Keep): Promise<unknown[]>;
}

/**
 * No answer to the audit's calls comes near this: /info and /swarm are a few KiB, and so is one element of a list
 * (a node, a network, a service, a task). More is not an Engine API answer, and is not held: an object answer, or
 * the part of a list element held while the rest of it streams in, fails past it.
 */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
const inMiB = (bytes: number): string => (bytes >= 1 << 20 ? `${String(Math.round(bytes / (1 << 20)))} MiB` : `${String(bytes)} bytes`);

/**
 * Splits a JSON array of objects, as it streams in, into the text of each element. Strings are skipped with
 * `indexOf` (most of an Engine API answer is inside strings); only bytes between them are looked at one by one.
 */
export class JsonArraySplitter {
  #depth = 0;
  #inString = false;
  /** The previous chunk ended inside a string on a backslash: the next byte is escaped. */
  #escaped = false;
  #done = false;
  #parts: Buffer[] = [];
  #partsBytes = 0;
  #started = false;

  constructor(
    private readonly onElement: (text: string) => void,
    private readonly maxElementBytes = MAX_ANSWER_BYTES,
  ) {}

  push(chunk: Buffer): void {
    const n = chunk.length;
    let start = this.#depth >= 2 ? 0 : -1;
    let i = 0;
    while (i < n) {
      if (this.#inString) {
        i = this.#skipString(chunk, i);
        continue;
      }
      const c = chunk[i] as number;
      if (c === 0x22) {
        if (this.#depth < 2) this.#fail(this.#depth === 0 ? 'a list' : 'a list of objects');
        this.#inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        if (this.#done) this.#fail('one list');
        if (this.#depth === 0 && c !== 0x5b) this.#fail('a list');
        if (this.#depth === 1) {
          if (c !== 0x7b) this.#fail('a list of objects');
          start = i;
        }
        this.#started = true;
        this.#depth++;
      } else if (c === 0x7d || c === 0x5d) {
        if (this.#depth === 0) this.#fail('a list');
        this.#depth--;
        if (this.#depth === 1) {
          this.#emit(chunk, start, i + 1);
          start = -1;
        } else if (this.#depth === 0) this.#done = true;
      } else if (this.#depth < 2 && c !== 0x2c && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
        this.#fail(this.#depth === 0 ? 'a list' : 'a list of objects');
      }
      i++;
    }
    if (start !== -1) {
      const part = start === 0 ? chunk : chunk.subarray(start);
      this.#parts.push(part);
      this.#partsBytes += part.length;
      if (this.#partsBytes > this.maxElementBytes)
        throw new EngineApiError(
          `the engine answered a list call with an element over ${inMiB(this.maxElementBytes)}: not an answer a Docker Engine gives`,
        );
    }
  }

  /** From inside a string at `i`: the index after its closing quote, or the chunk's end (the string goes on). */
  #skipString(chunk: Buffer, i: number): number {
    const n = chunk.length;
    if (this.#escaped) {
      this.#escaped = false;
      i++;
    }
    while (i < n) {
      const quote = chunk.indexOf(0x22, i);
      const end = quote === -1 ? n : quote;
      // Backslashes right before the quote (or the chunk's end), counted from a byte that is not escaped.
      let k = end - 1;
      while (k >= i && chunk[k] === 0x5c) k--;
      const odd = (end - 1 - k) % 2 === 1;
      if (quote === -1) {
        this.#escaped = odd;
        return n;
      }
      if (!odd) {
        this.#inString = false;
        return quote + 1;
      }
      i = quote + 1;
    }
    return n;
  }

  end(): void {
    if (!this.#started || !this.#done) this.#fail('a complete list');
  }

  #emit(chunk: Buffer, start: number, end: number): void {
    let text: string;
    if (this.#parts.length > 0) {
      this.#parts.push(chunk.subarray(0, end));
      text = Buffer.concat(this.#parts).toString('utf8');
      this.#parts = [];
      this.#partsBytes = 0;
    } else text = chunk.toString('utf8', start, end);
    this.onElement(text);
  }

  #fail(expected: string): never {
    throw new EngineApiError(`the engine answered a list call with something that is not ${expected}`);
  }
}

/** At most this much of what ssh says on stderr is kept for the message when it fails. */
const SSH_STDERR_BYTES = 4096;

/** ssh failed (could not start, or exited with an error before the engine's answer was whole). */
class SshError extends Error {
  readonly code = 'ESSH';
}

/**
 * A connection to the engine through `ssh [-l user] [-p port] -- host docker system dial-stdio`, as the docker CLI
 * makes for ssh:// hosts: the remote docker CLI connects its stdin and stdout to the engine there. Non-interactive
 * (BatchMode): a password or host key prompt fails instead of waiting. Destroying the stream ends ssh.
 */
function sshConnection(options: EngineOptions): Duplex {
  const args = [
    '-o',
    'BatchMode=yes',
    ...(options.username ? ['-l', options.username] : []),
    ...(options.port ? ['-p', options.port] : []),
    '--',
    options.host ?? '',
    'docker',
    'system',
    'dial-stdio',
  ];
  const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  const stream: Duplex = new Duplex({
    read() {
      child.stdout.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      // A write to an ssh that has already exited fails (EPIPE) before its exit is seen: the exit says why, so
      // the write's own error is not passed on (it raced the message, and lost it, under load).
      child.stdin.write(chunk, () => {
        callback();
      });
    },
    final(callback) {
      child.stdin.end();
      callback();
    },
    destroy(error, callback) {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      callback(error);
    },
  });
  child.stdout.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) child.stdout.pause();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < SSH_STDERR_BYTES) stderr += chunk.toString('utf8');
  });
  // Writing to an ssh that has already exited: its exit says why.
  child.stdin.on('error', () => undefined);
  child.on('error', (error) => {
    stream.destroy(new SshError(`cannot run ssh (${error.message})`));
  });
  child.on('close', (code, signal) => {
    if (stream.destroyed) return;
    if (code === 0) stream.push(null);
    else {
      const why = oneLine(stderr) || (signal ? `killed by ${signal}` : `exit code ${String(code)}`);
      stream.destroy(new SshError(`ssh to ${options.host ?? ''} failed: ${why}`));
    }
  });
  return stream;
}

/**
 * One call on the engine (one connection, closed after it): every status answers with the response stream. A
 * `body` is sent as JSON. The audit's GET calls are here; `audit --deep`'s writes (docker-write.ts) too.
 */
export function engineRequest(
  options: EngineOptions,
  request: { method: 'GET' | 'POST' | 'DELETE'; path: string; body?: unknown; signal: AbortSignal },
  onResponse: (response: IncomingMessage) => void,
  onError: (error: unknown) => void,
): ClientRequest {
  const { method, path, signal } = request;
  const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (payload) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) });
  const common: RequestOptions = { method, path, signal, agent: false, headers };
  let req: ClientRequest;
  if (options.protocol === 'https')
    req = httpsRequest(
      {
        ...common,
        host: options.host,
        port: options.port,
        ...(options.ca ? { ca: options.ca } : {}),
        ...(options.cert ? { cert: options.cert } : {}),
        ...(options.key ? { key: options.key } : {}),
        rejectUnauthorized: options.verify !== false,
      },
      onResponse,
    );
  // No agent: Node uses createConnection only without one.
  else if (options.protocol === 'ssh')
    req = httpRequest({ ...common, agent: undefined, createConnection: () => sshConnection(options) }, onResponse);
  else if (options.socketPath !== undefined) req = httpRequest({ ...common, socketPath: options.socketPath }, onResponse);
  else req = httpRequest({ ...common, host: options.host, port: options.port }, onResponse);
  req.on('error', onError);
  req.end(payload);
  return req;
}

/** At most this much of an error answer is kept for its message; the rest is read and dropped. */
const ERROR_BODY_BYTES = 4096;
/** The longest engine message a report repeats. */
const MESSAGE_CHARS = 300;

/**
 * What an engine (or whatever answers in its place: a proxy's HTML page) said, fit for one line of a report and a
 * terminal: line breaks, control and format characters (escape sequences, bidi overrides) become spaces, and it is
 * cut to {@link MESSAGE_CHARS} characters.
 */
export function oneLine(text: string): string {
  const flat = Array.from(text.replace(/[\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ').trim());
  return flat.length > MESSAGE_CHARS ? `${flat.slice(0, MESSAGE_CHARS - 1).join('')}…` : flat.join('');
}

/** One call of {@link engineCall}. */
export interface EngineCall {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  /** A POST's body, sent as JSON. */
  body?: unknown;
  signal: AbortSignal;
  /** The call fails after this long without a byte. */
  timeoutMs: number;
  /** Which statuses are an answer (their bytes go to `onData`); any other is the engine's error. */
  answer: (status: number) => boolean;
  /** The answer's bytes as they come; a throw ends the call with that error. */
  onData: (chunk: Buffer) => void;
  /** Starts every error message (the writer names the call: `POST /services/create: `). */
  label?: string;
}

/**
 * One Engine API call, the loop both clients share (the GET-only {@link engineApi} and the deep audit's writer,
 * probes/adapters/docker-write.ts): a timeout of silence re-armed by every byte, the caller's signal, the
 * request's own signal aborted whenever the call gives up (so that no socket is left open to keep the process
 * alive), and an error status read as dockerd's `{"message"}` (or the body as it came, on one line). Resolves with
 * the status once the whole answer is there.
 */
export function engineCall(endpoint: Endpoint, call: EngineCall): Promise<number> {
  const { method, path, signal, timeoutMs, label = '' } = call;
  return new Promise<number>((resolve, reject) => {
    let settled = false;
    let res: IncomingMessage | undefined;
    let timer: NodeJS.Timeout | undefined;
    const local = new AbortController();
    const finish = (error?: unknown, status?: number): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) resolve(status ?? 200);
      else {
        local.abort();
        res?.destroy();
        reject(toEngineApiError(error, res !== undefined));
      }
    };
    const quiet = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        finish(new EngineApiError(`${label}no answer for ${String(timeoutMs / 1000)} s`));
      }, timeoutMs);
    };
    const onAbort = (): void => {
      finish(new EngineApiError(`${label}timed out`));
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    quiet();
    const search = new URLSearchParams(call.query ?? {}).toString();
    engineRequest(
      endpoint.options,
      {
        method,
        path: search ? `${path}?${search}` : path,
        // A POST sends its body as JSON ({} when it has none).
        ...(method === 'POST' ? { body: call.body ?? {} } : {}),
        signal: local.signal,
      },
      (response) => {
        res = response;
        quiet();
        const status = response.statusCode as number;
        const answered = call.answer(status);
        const errorChunks: Buffer[] = [];
        let errorBytes = 0;
        response.on('data', (chunk: Buffer) => {
          quiet();
          if (!answered) {
            if (errorBytes < ERROR_BODY_BYTES) errorChunks.push(chunk);
            errorBytes += chunk.length;
            return;
          }
          try {
            call.onData(chunk);
          } catch (e) {
            finish(e);
          }
        });
        response.on('error', finish);
        response.on('end', () => {
          if (answered) {
            finish(undefined, status);
            return;
          }
          const body = Buffer.concat(errorChunks).subarray(0, ERROR_BODY_BYTES).toString('utf8');
          // dockerd's errors are {"message": …}; anything else (a proxy's page) is shown as it came, on one line.
          let message = body;
          try {
            const parsed = JSON.parse(body) as { message?: unknown } | null;
            if (typeof parsed?.message === 'string') message = parsed.message;
          } catch {
            // not JSON
          }
          finish(
            new EngineApiError(`${label}HTTP ${String(status)}: ${oneLine(message) || oneLine(String(response.statusMessage))}`, status),
          );
        });
      },
      finish,
    );
  });
}

/** A client on the endpoint; a request fails after `timeoutMs` without a byte, or when its signal aborts. */
export function engineApi(endpoint: Endpoint, timeoutMs: number): EngineApi {
  /** GET path: the answer's bytes go to `onData`; resolves when they are all there. */
  const get = async (path: string, query: Record<string, string>, signal: AbortSignal, onData: (chunk: Buffer) => void): Promise<void> => {
    await engineCall(endpoint, { method: 'GET', path, query, signal, timeoutMs, answer: (status) => status === 200, onData });
  };

  const object = async (path: string, signal: AbortSignal): Promise<unknown> => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    await get(path, {}, signal, (chunk) => {
      bytes += chunk.length;
      if (bytes > MAX_ANSWER_BYTES)
        throw new EngineApiError(`the engine's answer to ${path} is over ${inMiB(MAX_ANSWER_BYTES)}: not an answer a Docker Engine gives`);
      chunks.push(chunk);
    });
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (error) {
      throw new EngineApiError(`the engine's answer to ${path} is not JSON (${(error as Error).message})`);
    }
  };

  const list = async (path: string, query: Record<string, string>, signal: AbortSignal, keep?: Keep): Promise<unknown[]> => {
    const out: unknown[] = [];
    const splitter = new JsonArraySplitter((text) => {
      const parsed: unknown = JSON.parse(text);
      const item = keep ? keep(parsed) : parsed;
      if (item !== undefined) out.push(item);
    });
    await get(path, query, signal, (chunk) => {
      splitter.push(chunk);
    });
    splitter.end();
    return out;
  };

  return {
    info: (signal) => object('/info', signal),
    swarm: (signal) => object('/swarm', signal),
    nodes: (signal, keep) => list('/nodes', {}, signal, keep),
    networks: (signal, keep) => list('/networks', {}, signal, keep),
    services: (signal, keep) => list('/services', { status: 'true' }, signal, keep),
    tasks: (signal, keep) => list('/tasks', { filters: JSON.stringify({ 'desired-state': ['running'] }) }, signal, keep),
  };
}
