// Records Engine API answers of a real lab swarm into fixtures/engine-api/<scenario>/, with secrets removed.
//
//   sudo node --import @tapjs/typescript/import scripts/record-engine-api.ts [scenario…]
//
// (TS_NODE_TRANSPILE_ONLY=1 speeds it up.) Scenarios: healthy-3-nodes (default), overlapping-overlay, task-density,
// node-down. Each brings a fresh 3-node lab up (1 manager, 2 workers), sets the scenario up, records, tears down.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { up, type Lab } from '../lab/index.js';

export const REDACTED = '<redacted>';

/** Requests recorded from the manager, by file name. */
export const MANAGER_ENDPOINTS: Readonly<Record<string, { path: string; query?: Record<string, string> }>> = {
  info: { path: '/info' },
  swarm: { path: '/swarm' },
  nodes: { path: '/nodes' },
  networks: { path: '/networks' },
  services: { path: '/services', query: { status: 'true' } },
  tasks: { path: '/tasks' },
  version: { path: '/version' },
};

const SECRET_KEYS = new Set([
  // TLSInfo (in /swarm, /info Swarm.Cluster, /nodes Description): the cluster's root CA and issuer.
  'TrustRoot',
  'CertIssuerSubject',
  'CertIssuerPublicKey',
  // Spec.CAConfig: the signing CA, its key, and external CA certificates.
  'SigningCACert',
  'SigningCAKey',
  'CACert',
]);

/** Removes secrets from an Engine API answer (returns a copy). */
export function redact(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return /SWMTKN-|-----BEGIN/.test(value) || (SECRET_KEYS.has(key) && value !== '') ? REDACTED : value;
  if (Array.isArray(value)) {
    // ContainerSpec.Env: keep the variable names, drop the values.
    if (key === 'Env')
      return value.map((entry: unknown) => (typeof entry === 'string' ? entry.replace(/=.*$/s, `=${REDACTED}`) : redact(entry)));
    return value.map((entry: unknown) => redact(entry));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // Every join token, whatever its field name.
      if (key === 'JoinTokens') out[k] = typeof v === 'string' ? REDACTED : redact(v, k);
      else out[k] = redact(v, k);
    }
    return out;
  }
  return value;
}

/** GET a path of the Engine API and parse the JSON answer, unchanged. */
export function getJson(docker: Docker, path: string, query: Record<string, string> = {}): Promise<unknown> {
  // docker-modem appends the query string only to a path that ends with "?".
  const withQuery = Object.keys(query).length ? `${path}?` : path;
  return new Promise((resolve, reject) => {
    docker.modem.dial({ path: withQuery, method: 'GET', statusCodes: { 200: true }, options: query }, (error: unknown, data: unknown) => {
      if (error) reject(error instanceof Error ? error : new Error(`GET ${path} failed`, { cause: error }));
      else resolve(data);
    });
  });
}

/** Records the manager's answers and every node's /info into `outDir`; returns the files written. */
export async function recordEngineApi(lab: Lab, outDir: string): Promise<string[]> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, data: unknown): void => {
    const file = join(outDir, `${name}.json`);
    writeFileSync(file, `${JSON.stringify(redact(data), null, 2)}\n`);
    written.push(file);
  };
  for (const [name, { path, query }] of Object.entries(MANAGER_ENDPOINTS)) write(name, await getJson(lab.manager, path, query));
  for (const node of lab.nodes.slice(1)) write(`info.${node.hostname}`, await getJson(node.docker, '/info'));
  return written;
}

type Scenario = (lab: Lab) => Promise<void>;

/** The healthy base: two overlays (one encrypted), a replicated and a global service with published ports. */
async function healthy(lab: Lab): Promise<void> {
  await lab.createNetwork('app', { attachable: true });
  await lab.createNetwork('secure', { encrypted: true });
  await lab.createService({
    name: 'web',
    mode: 2,
    networks: ['app', 'secure'],
    command: ['httpd', '-f', '-p', '80'],
    env: ['APP_MODE=production', 'APP_TOKEN=example-secret-value'],
    publish: [{ target: 80, published: 8080 }],
  });
  await lab.createService({
    name: 'node-agent',
    mode: 'global',
    networks: ['app'],
    command: ['httpd', '-f', '-p', '9100'],
    publish: [{ target: 9100, published: 9100, mode: 'host' }],
  });
  await lab.waitTasks('web', 2);
  await lab.waitTasks('node-agent', lab.nodes.length);
}

export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  'healthy-3-nodes': healthy,
  /** An overlay whose subnet is the underlay's (198.18.0.0/24, the nodes' own addresses). */
  'overlapping-overlay': async (lab) => {
    await healthy(lab);
    await lab.fault('overlapping-overlay', 3);
    await lab.waitTasks('lab-overlap-probe', 1);
  },
  /** 12 tasks of one service packed on node 2. */
  'task-density': async (lab) => {
    await healthy(lab);
    await lab.fault('task-density', 2, { tasks: 12 });
    await lab.waitTasks('lab-dense', 12);
  },
  /** Node 3 cut from the managers (2377/tcp dropped): the swarm sees it down. */
  'node-down': async (lab) => {
    await healthy(lab);
    await lab.fault('drop-control', 3);
    await lab.waitNodeState(3, 'down', 90_000);
  },
};

async function main(names: readonly string[]): Promise<void> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'engine-api');
  for (const name of names.length ? names : ['healthy-3-nodes']) {
    const scenario = SCENARIOS[name];
    if (!scenario) throw new Error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
    const lab = await up({ nodes: 3, managers: 1, log: (line) => process.stderr.write(`${line}\n`) });
    try {
      await scenario(lab);
      const files = await recordEngineApi(lab, join(root, name));
      process.stderr.write(`${name}: wrote ${files.length} files\n`);
    } finally {
      await lab.down();
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
