/**
 * The Engine API calls of `swarmlint audit --deep`, the only ones of swarmlint that change a cluster: create and
 * remove its own labelled overlay networks and services, and read their tasks and logs. The plain audit never
 * loads this file (probes/adapters/docker.ts is GET-only). Every call has a timeout of silence and an AbortSignal,
 * and an answer is bounded in size.
 */
import { engineCall, EngineApiError, type Endpoint } from './docker.js';

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
  const call: EngineWriter['call'] = async (method, path, { query, body, signal, timeoutMs: own }) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const status = await engineCall(endpoint, {
      method,
      path,
      ...(query ? { query } : {}),
      ...(body !== undefined ? { body } : {}),
      signal,
      timeoutMs: own ?? timeoutMs,
      answer: (code) => code >= 200 && code < 300,
      onData: (chunk) => {
        bytes += chunk.length;
        if (bytes > MAX_WRITE_ANSWER_BYTES)
          throw new EngineApiError(`${method} ${path}: the answer is over ${String(MAX_WRITE_ANSWER_BYTES >> 20)} MiB`);
        chunks.push(chunk);
      },
      label: `${method} ${path}: `,
    });
    return { status, body: Buffer.concat(chunks) };
  };

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
