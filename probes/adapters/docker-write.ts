/**
 * The Engine API calls of `swarmlint audit --deep`, the only ones of swarmlint that change a cluster: create and
 * remove its own labelled overlay networks and services, and read their tasks and logs. The plain audit never
 * loads this file (probes/adapters/docker.ts is GET-only). Every call has a timeout of silence and an AbortSignal,
 * and an answer is bounded in size.
 */
import type { IncomingMessage } from 'node:http';
import { EngineApiError, engineRequest, oneLine, toEngineApiError, type Endpoint } from './docker.js';

/** No answer of these calls comes near this (service logs: one JSON line per task, a few KiB each). */
export const MAX_WRITE_ANSWER_BYTES = 64 * 1024 * 1024;

export interface CallOptions {
  query?: Record<string, string>;
  body?: unknown;
  signal: AbortSignal;
  /** Override the client's timeout of silence. */
  timeoutMs?: number;
}

export interface EngineWriter {
  /** One call; resolves with the status and the body of a 2xx answer, rejects with the engine's message otherwise. */
  call(method: 'GET' | 'POST' | 'DELETE', path: string, options: CallOptions): Promise<{ status: number; body: Buffer }>;
  listServices(filters: Record<string, string[]>, signal: AbortSignal): Promise<unknown[]>;
  listNetworks(filters: Record<string, string[]>, signal: AbortSignal): Promise<unknown[]>;
  listTasks(filters: Record<string, string[]>, signal: AbortSignal): Promise<unknown[]>;
  nodes(signal: AbortSignal): Promise<unknown[]>;
  info(signal: AbortSignal): Promise<unknown>;
  createNetwork(spec: object, signal: AbortSignal): Promise<string>;
  createService(spec: object, signal: AbortSignal): Promise<string>;
  /** Removes a service; one already gone is not an error. */
  removeService(id: string, signal: AbortSignal): Promise<void>;
  /** Removes a network; one already gone is not an error. */
  removeNetwork(id: string, signal: AbortSignal): Promise<void>;
  /** The raw log stream of a service (stdout, with details: the task and node of each line), not followed. */
  serviceLogs(id: string, signal: AbortSignal): Promise<Buffer>;
}

/** A client on the endpoint; a call fails after `timeoutMs` without a byte, or when its signal aborts. */
export function engineWriter(endpoint: Endpoint, timeoutMs: number): EngineWriter {
  const call: EngineWriter['call'] = (method, path, { query, body, signal, timeoutMs: own }) =>
    new Promise((resolve, reject) => {
      const limit = own ?? timeoutMs;
      let settled = false;
      let res: IncomingMessage | undefined;
      let timer: NodeJS.Timeout | undefined;
      const local = new AbortController();
      const chunks: Buffer[] = [];
      let bytes = 0;
      const finish = (error?: unknown, status?: number): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (error === undefined) {
          resolve({ status: status ?? 200, body: Buffer.concat(chunks) });
          return;
        }
        local.abort();
        res?.destroy();
        reject(toEngineApiError(error, res !== undefined));
      };
      const quiet = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          finish(new EngineApiError(`${method} ${path}: no answer for ${String(limit / 1000)} s`));
        }, limit);
      };
      const onAbort = (): void => {
        finish(new EngineApiError(`${method} ${path}: timed out`));
      };
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      quiet();
      // A POST sends its body as JSON ({} when it has none).
      const search = new URLSearchParams(query ?? {}).toString();
      engineRequest(
        endpoint.options,
        {
          method,
          path: search ? `${path}?${search}` : path,
          ...(method === 'POST' ? { body: body ?? {} } : {}),
          signal: local.signal,
        },
        (response) => {
          res = response;
          quiet();
          const status = response.statusCode as number;
          response.on('data', (chunk: Buffer) => {
            quiet();
            bytes += chunk.length;
            if (bytes > MAX_WRITE_ANSWER_BYTES) {
              finish(new EngineApiError(`${method} ${path}: the answer is over ${String(MAX_WRITE_ANSWER_BYTES >> 20)} MiB`));
              return;
            }
            if (status < 300 || bytes < 4096) chunks.push(chunk);
          });
          response.on('error', finish);
          response.on('end', () => {
            if (status >= 200 && status < 300) {
              finish(undefined, status);
              return;
            }
            const text = Buffer.concat(chunks).toString('utf8');
            let message = text;
            try {
              const parsed = JSON.parse(text) as { message?: unknown } | null;
              if (typeof parsed?.message === 'string') message = parsed.message;
            } catch {
              // not JSON
            }
            finish(new EngineApiError(`${method} ${path}: HTTP ${String(status)}: ${oneLine(message)}`, status));
          });
        },
        finish,
      );
    });

  const json = async (method: 'GET' | 'POST', path: string, options: CallOptions): Promise<unknown> => {
    const { body } = await call(method, path, options);
    try {
      return JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw new EngineApiError(`${method} ${path}: the answer is not JSON (${(error as Error).message})`);
    }
  };
  const list = async (path: string, filters: Record<string, string[]>, signal: AbortSignal): Promise<unknown[]> => {
    const value = await json('GET', path, { query: { filters: JSON.stringify(filters) }, signal });
    if (!Array.isArray(value)) throw new EngineApiError(`GET ${path}: the answer is not a list`);
    return value as unknown[];
  };
  const created = async (path: string, spec: object, signal: AbortSignal): Promise<string> => {
    const value = (await json('POST', path, { body: spec, signal })) as { Id?: unknown; ID?: unknown } | null;
    const id = value?.Id ?? value?.ID;
    if (typeof id !== 'string' || id === '') throw new EngineApiError(`POST ${path}: the answer has no ID`);
    return id;
  };
  const removed = async (path: string, signal: AbortSignal): Promise<void> => {
    try {
      await call('DELETE', path, { signal });
    } catch (error) {
      if (error instanceof EngineApiError && error.statusCode === 404) return;
      throw error;
    }
  };

  return {
    call,
    listServices: (filters, signal) => list('/services', filters, signal),
    listNetworks: (filters, signal) => list('/networks', filters, signal),
    listTasks: (filters, signal) => list('/tasks', filters, signal),
    nodes: (signal) => list('/nodes', {}, signal),
    info: (signal) => json('GET', '/info', { signal }),
    createNetwork: (spec, signal) => created('/networks/create', spec, signal),
    createService: (spec, signal) => created('/services/create', spec, signal),
    removeService: (id, signal) => removed(`/services/${encodeURIComponent(id)}`, signal),
    removeNetwork: (id, signal) => removed(`/networks/${encodeURIComponent(id)}`, signal),
    serviceLogs: async (id, signal) =>
      (await call('GET', `/services/${encodeURIComponent(id)}/logs`, { query: { stdout: '1', details: '1' }, signal })).body,
  };
}
