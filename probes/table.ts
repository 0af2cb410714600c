/**
 * The probes `swarmlint preflight` runs, as one table: each row is a probe's id (language/probe-ids.ts), what it
 * finds out (the subject of its outcome when it fails as a whole), how it runs, and where its result goes in the
 * document's parts (probes/assemble.ts). Adding a probe is adding a row here.
 */
import type { ProbeId } from '../language/probe-ids.js';
import { icmpAvailable } from './adapters/ping.js';
import { GOSSIP_PORT, type ProbeParts } from './assemble.js';
import { probeManager } from './audit/manager.js';
import type { Outcome, ProbeContext } from './context.js';
import { probeEngine } from './host/docker-engine.js';
import { probeFirewall } from './host/firewall.js';
import { probeHost } from './host/identity.js';
import { probeInterfaces } from './host/interfaces.js';
import { probeKernel } from './host/kernel.js';
import { probeListeners } from './host/listeners.js';
import { probeRoutes } from './host/routes.js';
import { familyOf } from './parse/address.js';
import { probePeer, type PeerTarget } from './paths/peer.js';

/** A probe's answer: its outcomes, and the step that puts its facts into the parts. */
export interface Answer {
  outcomes: Outcome[];
  store: () => void;
}

export interface ProbeRow {
  id: ProbeId;
  /** What the probe finds out, in words. */
  subject: string;
  run: () => Promise<Answer>;
}

/** A row: the probe, and where its result goes. */
function row<T extends { outcomes: Outcome[] }>(
  id: ProbeId,
  subject: string,
  probe: () => Promise<T>,
  store: (result: T) => void,
): ProbeRow {
  return {
    id,
    subject,
    run: async () => {
      const result = await probe();
      return {
        outcomes: result.outcomes,
        store: () => {
          store(result);
        },
      };
    },
  };
}

export interface TableOptions {
  /** This host's engine (default: DOCKER_HOST, the context, the default socket). */
  dockerHost?: string;
  /** The manager's Engine API, for the swarm's own facts. */
  managerDockerHost?: string;
  deadlineMs: number;
}

/** The probes of one preflight run: this host, the manager when asked, and the path to each peer. */
export function preflightProbes(
  options: TableOptions,
  context: ProbeContext,
  parts: ProbeParts,
  targets: readonly PeerTarget[],
  peers: ProbeParts['peers'],
): ProbeRow[] {
  const families = new Set(targets.map((t) => familyOf(t.address) ?? 4));
  const icmp = targets.length ? icmpAvailable(families.has(4) ? 4 : 6) : { ok: true as const };
  const managerDockerHost = options.managerDockerHost;
  return [
    row(
      'host',
      "this host's identity",
      () => probeHost(context),
      (r) => (parts.identity = r.identity),
    ),
    row(
      'host/interfaces',
      "this host's interfaces",
      () => probeInterfaces(context),
      (r) => (parts.interfaces = r.interfaces),
    ),
    row(
      'host/routes',
      "this host's routes",
      () => probeRoutes(context),
      (r) => (parts.routes = r.routes),
    ),
    row(
      'firewall',
      "this host's firewall",
      () => probeFirewall(context),
      (r) => (parts.firewall = r.readings),
    ),
    row(
      'host/listeners',
      'which programs hold the swarm ports',
      () => probeListeners(context),
      (r) => (parts.listeners = r.listeners),
    ),
    row(
      'host/kernel-modules',
      'kernel modules',
      () => probeKernel(context),
      (r) => (parts.modules = r.modules),
    ),
    row(
      'host/engine',
      "this host's Docker Engine",
      () => probeEngine({ ...context, ...(options.dockerHost ? { dockerHost: options.dockerHost } : {}) }),
      (r) => {
        if (r.engine) parts.engine = r.engine;
      },
    ),
    ...(managerDockerHost
      ? [
          row(
            'manager/engine-api',
            "the manager's swarm",
            () => probeManager({ ...context, dockerHost: managerDockerHost, deadlineMs: options.deadlineMs }),
            (r) => {
              if (r.manager) parts.manager = r.manager;
            },
          ),
        ]
      : []),
    ...targets.map((target) =>
      row(
        `peer/${target.address}`,
        `the path to ${target.role} ${target.address}`,
        () => probePeer(target, { ...context, gossipPort: GOSSIP_PORT, dataPathPort: parts.probedDataPathPort, icmp }),
        (r) => peers.push({ peer: r.peer, family: r.family, ...(r.local ? { local: r.local } : {}) }),
      ),
    ),
  ];
}
