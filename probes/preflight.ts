/**
 * `swarmlint preflight`: every probe at once under one deadline, then one facts document. A probe that has not
 * finished shortly after the deadline is given up on (its facts become an outcome), so a run always ends.
 */
import { setMaxListeners } from 'node:events';
import type { FactsOutcome, PreflightFacts } from '../language/facts-format.js';
import { icmpAvailable } from './adapters/ping.js';
import { assemblePreflight, DEFAULT_DATA_PATH_PORT, GOSSIP_PORT, type ProbeParts } from './assemble.js';
import type { ProbeContext } from './context.js';
import { probeEngine } from './host/docker-engine.js';
import { probeFirewall } from './host/firewall.js';
import { probeHost } from './host/identity.js';
import { probeInterfaces } from './host/interfaces.js';
import { probeKernel } from './host/kernel.js';
import { probeListeners } from './host/listeners.js';
import { probeManager } from './audit/manager.js';
import { familyOf } from './parse/address.js';
import { probePeer, type PeerTarget } from './paths/peer.js';
import { probeRoutes } from './host/routes.js';

export interface PreflightOptions {
  managers: { address: string; port: number }[];
  peers: string[];
  /** This host's engine (default: DOCKER_HOST, the context, the default socket). */
  dockerHost?: string;
  /** The manager's Engine API, for the swarm's own facts. */
  managerDockerHost?: string;
  dataPathPort?: number;
  timeoutMs: number;
  deadlineMs: number;
  /** Progress, per probe. */
  onProgress?: (event: ProgressEvent) => void;
  now?: () => Date;
}

export interface ProgressEvent {
  probe: string;
  phase: 'start' | 'done';
  /** Worst outcome of the probe (done only). */
  status?: 'ok' | 'skipped' | 'error';
  ms?: number;
}

/** How long after the deadline a probe may still take to give its partial answer. */
const GRACE_MS = 500;

export async function collectPreflight(options: PreflightOptions): Promise<PreflightFacts> {
  const controller = new AbortController();
  const signal = controller.signal;
  // Every command, socket and ping listens to it.
  setMaxListeners(0, signal);
  const deadline = setTimeout(() => {
    controller.abort();
  }, options.deadlineMs);
  const context: ProbeContext = { signal, timeoutMs: options.timeoutMs };
  const outcomes: FactsOutcome[] = [];
  const parts: ProbeParts = {
    collectedAt: (options.now ?? (() => new Date()))().toISOString(),
    peers: [],
    probedDataPathPort: options.dataPathPort ?? DEFAULT_DATA_PATH_PORT,
    outcomes,
  };

  /** Runs one probe, reports progress, and gives up on it after the deadline. */
  const run = async <T extends { outcomes: FactsOutcome[] }>(
    probe: string,
    subject: string,
    fn: () => Promise<T>,
    use: (result: T) => void,
  ): Promise<void> => {
    const started = performance.now();
    options.onProgress?.({ probe, phase: 'start' });
    let late: NodeJS.Timeout | undefined;
    const arm = (resolve: (value: undefined) => void) => () => {
      late = setTimeout(() => {
        resolve(undefined);
      }, GRACE_MS);
    };
    let armed: (() => void) | undefined;
    const giveUp = new Promise<undefined>((resolve) => {
      armed = arm(resolve);
      if (signal.aborted) armed();
      else signal.addEventListener('abort', armed, { once: true });
    });
    let result: T | undefined;
    try {
      result = await Promise.race([fn(), giveUp]);
    } catch (error) {
      // Probes do not throw; if one does, it is a bug, reported as a failed probe rather than a crash.
      outcomes.push({ probe, status: 'error', reason: `internal error: ${(error as Error).message}`, subject });
    } finally {
      clearTimeout(late);
      if (armed) signal.removeEventListener('abort', armed);
    }
    if (result) {
      use(result);
      outcomes.push(...result.outcomes);
    } else if (signal.aborted) {
      outcomes.push({ probe, status: 'error', reason: `not finished at the deadline (${String(options.deadlineMs)} ms)`, subject });
    }
    const mine = result?.outcomes ?? [{ status: 'error' as const }];
    const status = mine.some((o) => o.status === 'error') ? 'error' : mine.some((o) => o.status === 'skipped') ? 'skipped' : 'ok';
    options.onProgress?.({ probe, phase: 'done', status, ms: performance.now() - started });
  };

  const targets: PeerTarget[] = [
    ...options.managers.map((m) => ({ address: m.address, role: 'manager' as const, controlPort: m.port })),
    ...options.peers.map((address) => ({ address, role: 'peer' as const, controlPort: 2377 })),
  ];
  const families = new Set(targets.map((t) => familyOf(t.address) ?? 4));
  const icmp = targets.length ? icmpAvailable(families.has(4) ? 4 : 6) : { ok: true as const };
  const peerResults: ProbeParts['peers'] = [];

  try {
    await Promise.all([
      run(
        'host',
        "this host's identity",
        () => probeHost(context),
        (r) => (parts.identity = r.identity),
      ),
      run(
        'host/interfaces',
        "this host's interfaces",
        () => probeInterfaces(context),
        (r) => (parts.interfaces = r.interfaces),
      ),
      run(
        'host/routes',
        "this host's routes",
        () => probeRoutes(context),
        (r) => (parts.routes = r.routes),
      ),
      run(
        'firewall',
        "this host's firewall",
        () => probeFirewall(context),
        (r) => (parts.firewall = r.readings),
      ),
      run(
        'host/listeners',
        'which programs hold the swarm ports',
        () => probeListeners(context),
        (r) => (parts.listeners = r.listeners),
      ),
      run(
        'host/kernel-modules',
        'kernel modules',
        () => probeKernel(context),
        (r) => (parts.modules = r.modules),
      ),
      run(
        'host/engine',
        "this host's Docker Engine",
        () => probeEngine({ ...context, ...(options.dockerHost ? { dockerHost: options.dockerHost } : {}) }),
        (r) => {
          if (r.engine) parts.engine = r.engine;
        },
      ),
      ...(options.managerDockerHost
        ? [
            run(
              'manager/engine-api',
              "the manager's swarm",
              () => probeManager({ ...context, dockerHost: options.managerDockerHost ?? '', deadlineMs: options.deadlineMs }),
              (r) => {
                if (r.manager) parts.manager = r.manager;
              },
            ),
          ]
        : []),
      ...targets.map((target) =>
        run(
          `peer/${target.address}`,
          `the path to ${target.role} ${target.address}`,
          () =>
            probePeer(target, {
              ...context,
              gossipPort: GOSSIP_PORT,
              dataPathPort: parts.probedDataPathPort,
              icmp,
            }),
          (r) => peerResults.push({ peer: r.peer, family: r.family, ...(r.local ? { local: r.local } : {}) }),
        ),
      ),
    ]);
  } finally {
    clearTimeout(deadline);
    controller.abort();
  }
  // Peers in the order they were named.
  parts.peers = targets.map((t) => peerResults.find((p) => p.peer.address === t.address)).filter((p) => p !== undefined);
  return assemblePreflight(parts);
}
