/**
 * Puts what the probes found into one preflight facts document (language/facts-format.ts). The firewall is
 * evaluated here, once the peers (their addresses, the interfaces their packets arrive on) and the swarm's
 * data-path port are known. Pure.
 */
import {
  FACTS_FORMAT,
  type FactsHost,
  type FactsInterface,
  type FactsKernelModule,
  type FactsListener,
  type FactsRoute,
  type PreflightFacts,
} from '../language/facts-format.js';
import { firewallVerdicts, swarmPorts, type FirewallReadings, type FirewallTarget } from './host/firewall-facts.js';
import type { HostIdentity } from './host/identity.js';
import type { ManagerFacts } from './audit/manager.js';
import type { PeerProbe } from './paths/peer.js';
import type { Outcome } from './context.js';

export const CONTROL_PORT = 2377;
export const GOSSIP_PORT = 7946;
export const DEFAULT_DATA_PATH_PORT = 4789;

export interface ProbeParts {
  collectedAt: string;
  identity?: HostIdentity;
  interfaces?: FactsInterface[];
  routes?: FactsRoute[];
  firewall?: FirewallReadings;
  listeners?: FactsListener[];
  engine?: FactsHost['engine'];
  modules?: FactsKernelModule[];
  peers: PeerProbe[];
  manager?: ManagerFacts;
  /** The data-path port the peers' UDP probes used. */
  probedDataPathPort: number;
  outcomes: Outcome[];
}

const byProbe = (a: Outcome, b: Outcome): number => a.probe.localeCompare(b.probe) || (a.subject ?? '').localeCompare(b.subject ?? '');

export function assemblePreflight(parts: ProbeParts): PreflightFacts {
  const outcomes = [...parts.outcomes];
  const dataPathPort = parts.manager?.swarm?.dataPathPort ?? parts.engine?.dataPathPort ?? parts.probedDataPathPort;
  if (dataPathPort !== parts.probedDataPathPort && parts.peers.length > 0) {
    outcomes.push({
      probe: 'peers/data-path-port',
      status: 'skipped',
      reason: `the swarm's data-path port is ${String(dataPathPort)}, but the peers were probed on UDP ${String(parts.probedDataPathPort)} (run again with --data-path-port ${String(dataPathPort)})`,
      subject: `whether UDP ${String(dataPathPort)} (VXLAN) reaches the peers`,
    });
  }

  let firewall: FactsHost['firewall'] = [];
  let backend: string | undefined;
  if (parts.firewall) {
    const targets: FirewallTarget[] = parts.peers.length
      ? parts.peers.map((p) => ({
          address: p.peer.address,
          family: p.family,
          ...(p.peer.device ? { device: p.peer.device } : {}),
          ...(p.local ? { local: p.local } : {}),
        }))
      : [{ address: 'any', family: 4 }];
    const evaluated = firewallVerdicts(parts.firewall, targets, swarmPorts(dataPathPort, CONTROL_PORT));
    firewall = evaluated.verdicts;
    backend = evaluated.backend;
    outcomes.push(...evaluated.outcomes);
  }

  const ports = new Set([CONTROL_PORT, GOSSIP_PORT, dataPathPort, parts.probedDataPathPort]);
  const identity = parts.identity;
  const host: FactsHost | undefined = identity
    ? {
        hostname: identity.hostname,
        os: identity.os,
        kernel: identity.kernel,
        arch: identity.arch,
        root: identity.root,
        capNetRaw: identity.capNetRaw,
        ...(backend ? { iptablesBackend: backend } : {}),
        ...(parts.engine ? { engine: parts.engine } : {}),
        interfaces: parts.interfaces ?? [],
        routes: parts.routes ?? [],
        firewall,
        listeners: (parts.listeners ?? []).filter((l) => ports.has(l.port)),
        modules: parts.modules ?? [],
      }
    : undefined;

  const manager = parts.manager;
  return {
    format: FACTS_FORMAT,
    kind: 'preflight',
    collectedAt: parts.collectedAt,
    source: identity?.hostname ?? 'this host',
    ...(manager?.swarm ? { swarm: manager.swarm } : {}),
    nodes: manager?.nodes ?? [],
    networks: manager?.networks ?? [],
    services: manager?.services ?? [],
    outcomes: outcomes.sort(byProbe),
    ...(host ? { host } : {}),
    peers: parts.peers.map((p) => p.peer),
  };
}
