import type { RuleContext } from '@typescript-eslint/utils/ts-eslint';
import type { Network, Root, Service, Span, SwarmNode } from '../../language/model.js';
import { clusterOf } from '../../language/settings.js';

/**
 * Node and task arithmetic shared by the rules that count what a stack puts on the cluster (subnet-capacity,
 * container-density). The model is swarmkit's: a replicated service asks for `replicas` tasks, a global one for one
 * task per eligible node; the scheduler spreads a service's tasks over the nodes, at most `max_replicas_per_node`
 * per node; and swarm allocates a task's addresses before it schedules it, so tasks that stay pending still hold them.
 */

type AnyContext = Readonly<RuleContext<string, readonly unknown[]>>;

export interface NodeCount {
  /** Nodes that can run tasks. */
  count: number;
  /** False when nothing said how many there are and `count` is the assumed single node. */
  known: boolean;
}

/** Can the scheduler place tasks on this node (active and ready)? */
export function canRunTasks(node: SwarmNode): boolean {
  return node.availability === 'active' && node.state === 'ready';
}

/**
 * How many nodes can run tasks: the facts document's active, ready nodes when it lists nodes, else `cluster.nodes`,
 * else one node, assumed (the least a swarm has; counts made with it are lower bounds).
 */
export function nodeCountOf(context: AnyContext, root: Root): NodeCount {
  if (root.type === 'Facts' && root.nodes.length > 0) return { count: root.nodes.filter(canRunTasks).length, known: true };
  const declared = clusterOf(context).nodes;
  if (declared !== undefined && Number.isInteger(declared) && declared >= 1) return { count: declared, known: true };
  return { count: 1, known: false };
}

export function isGlobal(service: Service): boolean {
  return service.mode === 'global' || service.mode === 'global-job';
}

/** The node a placement constraint pins the service to (`node.hostname == x`, `node.id == x`), if any. */
export function pinnedNode(service: Service): string | undefined {
  return service.constraints.find((c) => c.operator === '==' && (c.key === 'node.hostname' || c.key === 'node.id'))?.value;
}

/** Nodes the service may run on: one when pinned, else all of them. */
function eligibleNodes(service: Service, nodes: number): number {
  return pinnedNode(service) === undefined ? nodes : Math.min(1, nodes);
}

/** Tasks the service asks for: its replicas, or one per eligible node for global modes. Each holds addresses. */
export function desiredTasks(service: Service, nodes: number): number {
  return isGlobal(service) ? eligibleNodes(service, nodes) : service.replicas;
}

/** Tasks the scheduler can place: replicas beyond `max_replicas_per_node` × eligible nodes stay pending. */
export function placeableTasks(service: Service, nodes: number): number {
  const desired = desiredTasks(service, nodes);
  if (isGlobal(service) || service.maxReplicasPerNode === undefined) return desired;
  return Math.min(desired, eligibleNodes(service, nodes) * service.maxReplicasPerNode);
}

/**
 * Nodes that would run at least one task of these services: every node when one of them is global and not pinned,
 * else one per task (the scheduler spreads), up to the node count. Each such node gets a load-balancer endpoint on
 * the services' network.
 */
export function nodesWithTasks(services: readonly Service[], nodes: number): number {
  let spread = 0;
  const pinned = new Set<string>();
  for (const service of services) {
    const tasks = placeableTasks(service, nodes);
    if (tasks === 0) continue;
    const node = pinnedNode(service);
    if (node !== undefined) pinned.add(node);
    else if (isGlobal(service)) return nodes;
    else spread += tasks;
  }
  return Math.min(nodes, pinned.size + spread);
}

/** "3 nodes", "1 node", or the assumption when the count is not known. */
export function describeNodes(nodes: NodeCount): string {
  if (!nodes.known) return '1 node (assumed: set `cluster.nodes` for an exact count)';
  return `${String(nodes.count)} ${nodes.count === 1 ? 'node' : 'nodes'}`;
}

interface ServiceIndex {
  byNetwork: Map<string, Service[]>;
  onDefault: Service[];
  onIngress: Service[];
  position: Map<Service, number>;
}
const indexes = new WeakMap<Root, ServiceIndex>();

/** Services by the network names (or IDs) they list, built once per document: rules ask for every network. */
function indexOf(root: Root): ServiceIndex {
  let index = indexes.get(root);
  if (index) return index;
  index = { byNetwork: new Map(), onDefault: [], onIngress: [], position: new Map() };
  root.services.forEach((s, i) => {
    index.position.set(s, i);
    for (const name of new Set(s.networks.map((n) => n.name))) index.byNetwork.set(name, [...(index.byNetwork.get(name) ?? []), s]);
    if (s.defaultNetwork) index.onDefault.push(s);
    if (s.ports.some((p) => p.mode === 'ingress')) index.onIngress.push(s);
  });
  indexes.set(root, index);
  return index;
}

/**
 * Services with a task attached to the network: those that list it (by name, or by ID in a facts document), the
 * services that list no network for the stack's `default` network, and for an ingress network the services that
 * publish a port in ingress mode.
 */
export function servicesOn(network: Network, root: Root): Service[] {
  const index = indexOf(root);
  const found = new Set([
    ...(index.byNetwork.get(network.name) ?? []),
    ...(network.id !== undefined ? (index.byNetwork.get(network.id) ?? []) : []),
    ...(network.name === 'default' ? index.onDefault : []),
    ...(network.ingress ? index.onIngress : []),
  ]);
  return [...found].sort((a, b) => (index.position.get(a) ?? 0) - (index.position.get(b) ?? 0));
}

/** Where a finding about a network goes: its key, or for the implicit `default` network the first service on it. */
export function networkSpan(network: Network, root: Root): Span {
  const users = network.implicit ? root.services.filter((s) => s.defaultNetwork) : [];
  return [...users.map((s) => s.at.name), network.at.name].find((s) => s !== undefined) ?? network;
}

/** Where a finding about a service goes: the field's value when it was written, else the service's name. */
export function serviceSpan(service: Service, field: string): Span {
  return service.at[field] ?? service.at.name ?? service;
}
