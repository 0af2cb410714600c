/**
 * The Docker Engine API, through dockerode. This is the only file that imports dockerode. It resolves where
 * the engine is the way the docker CLI does (DOCKER_HOST, DOCKER_CONTEXT, the current context in the docker
 * config, DOCKER_TLS_VERIFY / DOCKER_CERT_PATH) and offers GET calls only, each with a timeout and an
 * AbortSignal.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';

export interface Endpoint {
  /** Where, for people and logs: `unix:///var/run/docker.sock`, `tcp://10.0.0.1:2376 (TLS)`. No secrets. */
  description: string;
  options: Docker.DockerOptions;
}

export class EndpointError extends Error {
  override readonly name = 'EndpointError';
}

type Env = Readonly<Record<string, string | undefined>>;

function configDir(env: Env, home: string): string {
  return env.DOCKER_CONFIG ?? join(home, '.docker');
}

function readTls(dir: string): Pick<Docker.DockerOptions, 'ca' | 'cert' | 'key'> {
  const file = (name: string): Buffer | undefined => (existsSync(join(dir, name)) ? readFileSync(join(dir, name)) : undefined);
  const ca = file('ca.pem');
  const cert = file('cert.pem');
  const key = file('key.pem');
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

/** `unix:///x`, `tcp://h:p`, `ssh://u@h` → dockerode options (without TLS material). */
function fromHost(host: string): { options: Docker.DockerOptions; tcp: boolean } {
  if (host.startsWith('unix://')) return { options: { socketPath: host.slice('unix://'.length) || '/var/run/docker.sock' }, tcp: false };
  if (host.startsWith('npipe://')) return { options: { socketPath: host.slice('npipe://'.length) }, tcp: false };
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new EndpointError(`"${host}" is not a Docker host (unix:///path, tcp://host:port or ssh://user@host)`);
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    return { options: { host: url.hostname, port: url.port || '2375', protocol: url.protocol === 'https:' ? 'https' : 'http' }, tcp: true };
  }
  if (url.protocol === 'ssh:') {
    return { options: { host: url.hostname, port: url.port || '22', protocol: 'ssh', ...(url.username ? { username: url.username } : {}) }, tcp: false };
  }
  throw new EndpointError(`"${host}": unsupported Docker host scheme ${url.protocol}`);
}

function redact(host: string): string {
  try {
    const url = new URL(host);
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return host;
  }
}

/**
 * Where the engine is, in the docker CLI's order: an explicit host (`--docker-host`), DOCKER_HOST,
 * DOCKER_CONTEXT, the config's `currentContext`, then the default socket.
 */
export function resolveEndpoint(explicitHost?: string, env: Env = process.env, home: string = homedir()): Endpoint {
  const host = explicitHost ?? env.DOCKER_HOST;
  if (host) {
    const { options, tcp } = fromHost(host);
    if (tcp && (env.DOCKER_TLS_VERIFY === '1' || (env.DOCKER_TLS_VERIFY ?? '') !== '' || options.port === '2376')) {
      options.protocol = 'https';
      Object.assign(options, readTls(env.DOCKER_CERT_PATH ?? configDir(env, home)));
      return { description: `${redact(host)} (TLS)`, options };
    }
    return { description: redact(host), options };
  }
  let context = env.DOCKER_CONTEXT;
  if (!context) {
    const config = join(configDir(env, home), 'config.json');
    if (existsSync(config)) {
      try {
        context = (JSON.parse(readFileSync(config, 'utf8')) as { currentContext?: string }).currentContext;
      } catch (error) {
        throw new EndpointError(`${config}: ${(error as Error).message}`);
      }
    }
  }
  if (context && context !== 'default') {
    const id = createHash('sha256').update(context).digest('hex');
    const metaFile = join(configDir(env, home), 'contexts', 'meta', id, 'meta.json');
    if (!existsSync(metaFile)) throw new EndpointError(`Docker context "${context}" not found (${metaFile})`);
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as { Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } } };
    const ctxHost = meta.Endpoints?.docker?.Host;
    if (!ctxHost) throw new EndpointError(`Docker context "${context}" has no docker endpoint`);
    const { options } = fromHost(ctxHost);
    const tlsDir = join(configDir(env, home), 'contexts', 'tls', id, 'docker');
    if (existsSync(tlsDir)) {
      Object.assign(options, readTls(tlsDir), { protocol: 'https' });
      if (meta.Endpoints?.docker?.SkipTLSVerify) (options as { rejectUnauthorized?: boolean }).rejectUnauthorized = false;
    }
    return { description: `${redact(ctxHost)} (context ${context}${existsSync(tlsDir) ? ', TLS' : ''})`, options };
  }
  return { description: 'unix:///var/run/docker.sock', options: { socketPath: '/var/run/docker.sock' } };
}

/** An Engine API answer that was an HTTP error, with the engine's own message. */
export class EngineApiError extends Error {
  override readonly name = 'EngineApiError';
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

function engineError(error: unknown): EngineApiError {
  const e = error as { statusCode?: number; json?: { message?: string }; reason?: string; message?: string; code?: string; name?: string };
  if (e.statusCode) return new EngineApiError(e.json?.message ?? e.reason ?? e.message ?? `HTTP ${String(e.statusCode)}`, e.statusCode);
  if (e.code === 'ENOENT') return new EngineApiError(`no Docker socket there (${e.message ?? ''})`);
  if (e.code === 'EACCES') return new EngineApiError(`permission denied on the Docker socket (${e.message ?? ''})`);
  if (e.code === 'ECONNREFUSED') return new EngineApiError(`connection refused (${e.message ?? ''})`);
  if (e.name === 'AbortError') return new EngineApiError('timed out');
  return new EngineApiError(e.message ?? String(error));
}

/** The read-only calls the audit makes: one list call per kind, whatever the size of the cluster. */
export interface EngineApi {
  info(signal: AbortSignal): Promise<unknown>;
  version(signal: AbortSignal): Promise<unknown>;
  swarm(signal: AbortSignal): Promise<unknown>;
  nodes(signal: AbortSignal): Promise<unknown[]>;
  networks(signal: AbortSignal): Promise<unknown[]>;
  services(signal: AbortSignal): Promise<unknown[]>;
  tasks(signal: AbortSignal): Promise<unknown[]>;
}

/** A client on the endpoint; every request times out after `timeoutMs` of silence and honours its signal. */
export function engineApi(endpoint: Endpoint, timeoutMs: number): EngineApi {
  const docker = new Docker({ ...endpoint.options, timeout: timeoutMs });
  const call = async <T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T> => {
    if (signal.aborted) throw new EngineApiError('timed out');
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => {
        reject(new EngineApiError('timed out'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([fn(), aborted]);
    } catch (error) {
      throw error instanceof EngineApiError ? error : engineError(error);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  };
  // dockerode's calls as this module uses them (its published types lag behind the abortSignal option).
  const api = docker as unknown as Record<'info' | 'version' | 'swarmInspect' | 'listNodes' | 'listNetworks' | 'listServices' | 'listTasks', (options: object) => Promise<unknown>>;
  const list = (fn: () => Promise<unknown>, signal: AbortSignal): Promise<unknown[]> =>
    call(async () => {
      const out = await fn();
      if (!Array.isArray(out)) throw new EngineApiError('the engine answered a list call with something that is not a list');
      return out as unknown[];
    }, signal);
  return {
    info: (signal) => call(() => api.info({ abortSignal: signal }), signal),
    version: (signal) => call(() => api.version({ abortSignal: signal }), signal),
    swarm: (signal) => call(() => api.swarmInspect({ abortSignal: signal }), signal),
    nodes: (signal) => list(() => api.listNodes({ abortSignal: signal }), signal),
    networks: (signal) => list(() => api.listNetworks({ abortSignal: signal }), signal),
    services: (signal) => list(() => api.listServices({ status: true, abortSignal: signal }), signal),
    tasks: (signal) => list(() => api.listTasks({ filters: JSON.stringify({ 'desired-state': ['running'] }), abortSignal: signal }), signal),
  };
}
