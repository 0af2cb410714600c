/**
 * The audit's probe: read-only facts from a manager's Engine API. Six list calls (info, swarm, nodes,
 * networks, services, tasks), whatever the size of the cluster, under one deadline. `factsFromAnswers` is the
 * pure part (tested against answers recorded from a real dockerd); `collectAudit` does the I/O.
 */
import { setMaxListeners } from 'node:events';
import {
  FACTS_FORMAT,
  type FactsDocument,
  type FactsNetwork,
  type FactsOutcome,
  type FactsPort,
  type FactsService,
} from '../../language/facts-format.js';
import { engineApiProbe } from '../../language/probe-ids.js';
import { EngineApiError, type EngineApi } from '../adapters/docker.js';
import type { Outcome } from '../context.js';
import { type Json, obj, arr, str, num } from '../parse/json.js';

/** What the Engine API answered; a missing answer is a call that failed (see the outcomes). */
export interface EngineAnswers {
  info?: unknown;
  swarm?: unknown;
  nodes?: unknown[];
  networks?: unknown[];
  services?: unknown[];
  tasks?: unknown[];
}

/** The engine refused because this node cannot answer for the cluster (not a manager, not in a swarm). */
export class NotAManagerError extends Error {
  override readonly name = 'NotAManagerError';
}

function ports(endpointSpec: unknown): FactsPort[] {
  return arr(obj(endpointSpec).Ports).map((p) => {
    const port = obj(p);
    const protocol = str(port.Protocol) || 'tcp';
    const published = num(port.PublishedPort);
    return {
      target: num(port.TargetPort) ?? 0,
      ...(published ? { published } : {}),
      protocol: protocol === 'udp' || protocol === 'sctp' ? protocol : 'tcp',
      mode: str(port.PublishMode) === 'host' ? 'host' : 'ingress',
    };
  });
}

/**
 * A node's underlay address. A manager's `Status.Addr` can be wrong (0.0.0.0, moby/moby#35437; 127.0.0.1,
 * moby/moby#30119): it is the source address of its own connection. The address it advertises to the other
 * managers (`ManagerStatus.Addr`, host:port) is right, so it wins; workers have only `Status.Addr`.
 */
function nodeAddress(statusAddr: string, managerAddr: string): string {
  const m = /^\[(.*)\]:\d+$/.exec(managerAddr) ?? /^([^:]+):\d+$/.exec(managerAddr);
  return m?.[1] ?? statusAddr;
}

function serviceMode(mode: Json): { mode: FactsService['mode']; replicas: number } {
  if (mode.Global) return { mode: 'global', replicas: 0 };
  if (mode.GlobalJob) return { mode: 'global-job', replicas: 0 };
  if (mode.ReplicatedJob) return { mode: 'replicated-job', replicas: num(obj(mode.ReplicatedJob).MaxConcurrent) ?? 1 };
  return { mode: 'replicated', replicas: num(obj(mode.Replicated).Replicas) ?? 1 };
}

/**
 * Turns Engine API answers into a facts document. Only what rules need is kept; nothing secret is copied
 * (join tokens, TLS material, CA keys and environment variables are never read).
 */
export function factsFromAnswers(answers: EngineAnswers, outcomes: FactsOutcome[], source: string, collectedAt: string): FactsDocument {
  const info = obj(answers.info);
  const swarmInfo = obj(info.Swarm);
  const cluster = obj(answers.swarm ?? swarmInfo.Cluster);
  const networksById = new Map<string, Json>();
  for (const n of arr(answers.networks)) networksById.set(str(obj(n).Id), obj(n));

  // Tasks meant to run: per node, per network (addresses and the nodes that hold a load-balancer address).
  const tasksByNode = new Map<string, number>();
  const tasksByService = new Map<string, Map<string, number>>();
  const attachments = new Map<string, number>();
  const networkNodes = new Map<string, Set<string>>();
  for (const t of arr(answers.tasks)) {
    const task = obj(t);
    if (str(task.DesiredState) !== 'running') continue;
    const node = str(task.NodeID);
    const service = str(task.ServiceID);
    if (node) {
      tasksByNode.set(node, (tasksByNode.get(node) ?? 0) + 1);
      const perNode = tasksByService.get(service) ?? new Map<string, number>();
      perNode.set(node, (perNode.get(node) ?? 0) + 1);
      tasksByService.set(service, perNode);
    }
    for (const a of arr(task.NetworksAttachments)) {
      const attachment = obj(a);
      const id = str(obj(attachment.Network).ID);
      attachments.set(id, (attachments.get(id) ?? 0) + arr(attachment.Addresses).length);
      if (node) {
        const set = networkNodes.get(id) ?? new Set<string>();
        set.add(node);
        networkNodes.set(id, set);
      }
    }
  }

  const vips = new Map<string, number>();
  const services: FactsService[] = arr(answers.services).map((s) => {
    const service = obj(s);
    const spec = obj(service.Spec);
    const template = obj(spec.TaskTemplate);
    const placement = obj(template.Placement);
    const endpointSpec = obj(spec.EndpointSpec);
    for (const vip of arr(obj(service.Endpoint).VirtualIPs)) {
      const id = str(obj(vip).NetworkID);
      vips.set(id, (vips.get(id) ?? 0) + 1);
    }
    const { mode, replicas } = serviceMode(obj(spec.Mode));
    const maxReplicas = num(placement.MaxReplicas);
    const image = str(obj(template.ContainerSpec).Image).replace(/@sha256:[0-9a-f]+$/, '');
    return {
      id: str(service.ID),
      name: str(spec.Name),
      image,
      mode,
      replicas,
      endpointMode: str(endpointSpec.Mode) === 'dnsrr' ? 'dnsrr' : 'vip',
      ports: ports(obj(service.Endpoint).Spec ?? endpointSpec),
      networks: arr(template.Networks ?? spec.Networks).map((n) => {
        const target = str(obj(n).Target);
        return str(networksById.get(target)?.Name) || target;
      }),
      constraints: arr(placement.Constraints).map(str).filter(Boolean),
      ...(maxReplicas ? { maxReplicasPerNode: maxReplicas } : {}),
      tasksByNode: Object.fromEntries(tasksByService.get(str(service.ID)) ?? []),
    };
  });

  const networks: FactsNetwork[] = arr(answers.networks).map((n) => {
    const network = obj(n);
    const id = str(network.Id);
    const options = obj(network.Options);
    const mtuText = str(options['com.docker.network.driver.mtu']);
    return {
      id,
      name: str(network.Name),
      driver: str(network.Driver),
      scope: str(network.Scope),
      ingress: network.Ingress === true,
      attachable: network.Attachable === true,
      internal: network.Internal === true,
      // libnetwork turns encryption on when the option is present, whatever its value.
      encrypted: 'encrypted' in options,
      ...(/^\d+$/.test(mtuText) ? { mtu: Number(mtuText) } : {}),
      subnets: arr(obj(network.IPAM).Config)
        .map((c) => str(obj(c).Subnet))
        .filter(Boolean),
      attachments: attachments.get(id) ?? 0,
      vips: vips.get(id) ?? 0,
      nodes: [...(networkNodes.get(id) ?? [])].sort(),
    };
  });

  const nodes = arr(answers.nodes).map((n) => {
    const node = obj(n);
    const description = obj(node.Description);
    const platform = obj(description.Platform);
    const nodeSpec = obj(node.Spec);
    const status = obj(node.Status);
    const manager = obj(node.ManagerStatus);
    const labels = obj(nodeSpec.Labels);
    const id = str(node.ID);
    return {
      id,
      hostname: str(description.Hostname) || id,
      role: str(nodeSpec.Role) === 'manager' ? ('manager' as const) : ('worker' as const),
      availability: str(nodeSpec.Availability) || 'active',
      state: str(status.State) || 'unknown',
      os: str(platform.OS).toLowerCase() || 'linux',
      arch: str(platform.Architecture),
      engineVersion: str(obj(description.Engine).EngineVersion),
      address: nodeAddress(str(status.Addr), str(manager.Addr)),
      tasks: tasksByNode.get(id) ?? 0,
      labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, str(v)])),
      ...(manager.Leader === true ? { leader: true } : {}),
    };
  });

  const dataPathPort = num(cluster.DataPathPort) ?? num(obj(swarmInfo.Cluster).DataPathPort);
  const pools = arr(cluster.DefaultAddrPool ?? obj(swarmInfo.Cluster).DefaultAddrPool)
    .map(str)
    .filter(Boolean);
  const subnetSize = num(cluster.SubnetSize) ?? num(obj(swarmInfo.Cluster).SubnetSize);
  const swarmId = str(cluster.ID);
  return {
    format: FACTS_FORMAT,
    kind: 'audit',
    collectedAt,
    source,
    ...(swarmId || dataPathPort !== undefined
      ? {
          swarm: {
            id: swarmId,
            dataPathPort: dataPathPort || 4789,
            defaultAddrPools: pools.length > 0 ? pools : ['10.0.0.0/8'],
            subnetSize: subnetSize ?? 24,
          },
        }
      : {}),
    nodes,
    networks,
    services,
    outcomes,
  };
}

/** Picks the fields of `value` named in `shape` (`true`: the whole value; an object: its fields; in a list: each item). */
type Shape = { readonly [key: string]: true | Shape };
function pick(value: unknown, shape: Shape): unknown {
  if (Array.isArray(value)) return value.map((v) => pick(v, shape));
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, sub] of Object.entries(shape)) {
    const v = (value as Json)[key];
    if (v !== undefined) out[key] = sub === true ? v : pick(v, sub);
  }
  return out;
}

const PORTS: Shape = { Protocol: true, TargetPort: true, PublishedPort: true, PublishMode: true };

/**
 * What `factsFromAnswers` reads of each element of a list answer, and nothing else: applied as the answer streams
 * in, so a large cluster's answers are never held whole (and environment values, certificates and the rest of a
 * spec are dropped at once). Tasks not meant to run are dropped.
 */
export const KEEP = {
  nodes: (item: unknown): unknown =>
    pick(item, {
      ID: true,
      Description: { Hostname: true, Platform: { OS: true, Architecture: true }, Engine: { EngineVersion: true } },
      Spec: { Role: true, Availability: true, Labels: true },
      Status: { State: true, Addr: true },
      ManagerStatus: { Leader: true, Addr: true },
    }),
  networks: (item: unknown): unknown =>
    pick(item, {
      Id: true,
      Name: true,
      Driver: true,
      Scope: true,
      Ingress: true,
      Attachable: true,
      Internal: true,
      Options: true,
      IPAM: { Config: { Subnet: true } },
    }),
  services: (item: unknown): unknown =>
    pick(item, {
      ID: true,
      Spec: {
        Name: true,
        Mode: true,
        Networks: { Target: true },
        EndpointSpec: { Mode: true, Ports: PORTS },
        TaskTemplate: { ContainerSpec: { Image: true }, Placement: { Constraints: true, MaxReplicas: true }, Networks: { Target: true } },
      },
      Endpoint: { Spec: { Mode: true, Ports: PORTS }, VirtualIPs: { NetworkID: true } },
    }),
  tasks: (item: unknown): unknown =>
    str(obj(item).DesiredState) === 'running'
      ? pick(item, { ServiceID: true, NodeID: true, DesiredState: true, NetworksAttachments: { Network: { ID: true }, Addresses: true } })
      : undefined,
} as const;

const SUBJECTS: Record<keyof EngineAnswers, string> = {
  info: 'the engine and the swarm it belongs to',
  swarm: 'the swarm configuration (address pools, data-path port)',
  nodes: 'nodes (versions, platforms, addresses)',
  networks: 'networks (subnets, encryption, MTU)',
  services: 'services (ports, endpoint modes, placement)',
  tasks: 'tasks (placement and addresses per node and network)',
};

/** The engine's refusal on a worker ("This node is not a swarm manager…") or outside a swarm (503). */
const NOT_A_MANAGER = /not a swarm manager|not part of a swarm/i;

/**
 * Asks a manager for the cluster's facts, all six calls at once, under one deadline. A call that fails is an
 * outcome (the facts it would have given are "not checked"); a node that is not a manager is an error. The
 * deadline holds even against an API that ignores its signal: a call still out when it passes is given up.
 */
export async function collectAudit(
  api: EngineApi,
  source: string,
  deadlineMs: number,
  now: () => Date = () => new Date(),
  /** Whose calls these are: the audit's (`engine-api/<call>`) or preflight's view of the manager (`manager/engine-api/<call>`). */
  via: 'audit' | 'manager' = 'audit',
): Promise<{ facts: FactsDocument; outcomes: Outcome[]; requests: number }> {
  const controller = new AbortController();
  // Six calls share the signal, each with listeners of its own.
  setMaxListeners(32, controller.signal);
  const signal = controller.signal;
  let timer: NodeJS.Timeout | undefined;
  const deadlineReason = `timed out (the audit's deadline of ${String(deadlineMs / 1000)} s passed)`;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new EngineApiError(deadlineReason));
    }, deadlineMs);
  });
  deadline.catch(() => undefined);
  const outcomes: Outcome[] = [];
  const answers: EngineAnswers = {};
  const errors: unknown[] = [];
  const reasons = new Set<string>();
  const calls: Record<keyof EngineAnswers, () => Promise<unknown>> = {
    info: () => api.info(signal),
    swarm: () => api.swarm(signal),
    nodes: () => api.nodes(signal, KEEP.nodes),
    networks: () => api.networks(signal, KEEP.networks),
    services: () => api.services(signal, KEEP.services),
    tasks: () => api.tasks(signal, KEEP.tasks),
  };
  const keys = Object.keys(calls) as (keyof EngineAnswers)[];
  try {
    await Promise.all(
      keys.map(async (key) => {
        try {
          const value = await Promise.race([calls[key](), deadline]);
          (answers as Record<string, unknown>)[key] = value;
          outcomes.push({ probe: engineApiProbe(key, via), status: 'ok' });
        } catch (error) {
          errors.push(error);
          // Past the deadline every call still out fails alike, whatever its adapter said on the abort.
          const reason = signal.aborted ? deadlineReason : error instanceof Error ? error.message : String(error);
          reasons.add(reason);
          outcomes.push({ probe: engineApiProbe(key, via), status: 'error', reason, subject: SUBJECTS[key] });
        }
      }),
    );
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  outcomes.sort((a, b) => a.probe.localeCompare(b.probe));
  const swarm = obj(obj(answers.info).Swarm);
  if (answers.info !== undefined && str(swarm.LocalNodeState) !== 'active') {
    throw new NotAManagerError(
      `this engine (${source}) is not part of an active swarm (state: ${str(swarm.LocalNodeState) || 'unknown'}): run swarmlint audit on a swarm manager, or point DOCKER_HOST at one`,
    );
  }
  const refused = errors.some((e) => e instanceof EngineApiError && e.statusCode === 503 && NOT_A_MANAGER.test(e.message));
  if ((answers.info !== undefined && swarm.ControlAvailable !== true) || refused) {
    throw new NotAManagerError(
      `this engine (${source}) is not a swarm manager: run swarmlint audit on a manager, or point DOCKER_HOST at one`,
    );
  }
  if (errors.length === keys.length) throw new EngineApiError(`cannot reach the Docker Engine at ${source}: ${[...reasons].join('; ')}`);
  return { facts: factsFromAnswers(answers, outcomes, source, now().toISOString()), outcomes, requests: keys.length };
}
