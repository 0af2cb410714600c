// A large swarm's Engine API answers, scaled from answers recorded from the real lab
// (fixtures/engine-api/healthy-3-nodes): every object is a recorded one with its IDs, names, addresses and
// references rewritten, so the answers have the shape and size of dockerd's. Deterministic.
//
// The cluster: `nodes` nodes (3 managers, the first the leader), `services` services of which 5 are global (on
// one `monitoring` overlay, the first publishing a host-mode port like the lab's node-agent) and the rest
// replicated, in stacks of 10 with an overlay of their own; the first service of each stack publishes a port
// in ingress mode. Replicated tasks are spread round-robin over all nodes; the replica counts add up so that
// the tasks total `tasks`. Every task is attached to its stack's overlay (and ingress when published), with
// an address of its own, as dockerd lists them.
import { createHash } from 'node:crypto';
import type { Answers } from './audit-replay.js';

export interface ClusterSize {
  nodes: number;
  services: number;
  tasks: number;
}

type Json = Record<string, unknown>;
const clone = <T>(v: T): T => structuredClone(v);
const STACK_SIZE = 10;
const GLOBALS = 5;

/** A swarm object ID: 25 characters of [0-9a-z], like swarmkit's. */
function swarmId(kind: string, n: number): string {
  const digest = createHash('sha256')
    .update(`${kind}:${String(n)}`)
    .digest();
  let id = '';
  for (let i = 0; id.length < 25; i++) id += (digest[i % digest.length] ?? 0).toString(36).slice(-1);
  return id;
}

const hex64 = (kind: string, n: number): string =>
  createHash('sha256')
    .update(`${kind}:${String(n)}`)
    .digest('hex');

/** Consecutive host addresses of a subnet given as its first address's integer and prefix length. */
class Pool {
  #next: number;
  constructor(
    readonly base: number,
    readonly prefix: number,
    first = 2,
  ) {
    this.#next = base + first;
  }
  take(): string {
    const n = this.#next++;
    if (n >= this.base + 2 ** (32 - this.prefix) - 1) throw new Error(`pool ${ip(this.base)}/${String(this.prefix)} is full`);
    return `${ip(n)}/${String(this.prefix)}`;
  }
}

const ip = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const ipNum = (text: string): number => text.split('.').reduce((a, b) => a * 256 + Number(b), 0);

function first(items: unknown, pick: (x: Json) => boolean, what: string): Json {
  const found = (items as Json[]).find(pick);
  if (!found) throw new Error(`the recorded answers have no ${what}`);
  return found;
}

export function scaleCluster(recorded: Answers, size: ClusterSize): Answers {
  const replicatedServices = size.services - GLOBALS;
  const replicatedTasks = size.tasks - GLOBALS * size.nodes;
  if (replicatedServices < 1 || replicatedTasks < replicatedServices) throw new Error('not enough services or tasks for this many nodes');

  // Templates: recorded objects.
  const managerT = first(recorded.nodes, (n) => n.ManagerStatus !== undefined, 'manager node');
  const workerT = first(recorded.nodes, (n) => n.ManagerStatus === undefined, 'worker node');
  const replicatedT = first(
    recorded.services,
    (s) => (s.Spec as Json).Mode !== undefined && 'Replicated' in ((s.Spec as Json).Mode as Json),
    'replicated service',
  );
  const globalT = first(recorded.services, (s) => 'Global' in ((s.Spec as Json).Mode as Json), 'global service');
  const taskT = first(
    recorded.tasks,
    (t) => t.ServiceID === replicatedT.ID && t.DesiredState === 'running',
    'task of the replicated service',
  );
  const networks = recorded.networks as Json[];
  const ingressT = first(networks, (n) => n.Ingress === true, 'ingress network');
  const overlayT = first(networks, (n) => n.Driver === 'overlay' && n.Ingress !== true, 'overlay network');
  const locals = networks.filter((n) => n.Scope === 'local');
  const attachmentT = first(taskT.NetworksAttachments, (a) => ((a.Network as Json).Spec as Json).Ingress !== true, 'task attachment');

  // Nodes.
  const nodes: Json[] = [];
  for (let i = 0; i < size.nodes; i++) {
    const node = clone(i < 3 ? managerT : workerT);
    const address = ip(ipNum('192.168.0.0') + Math.floor(i / 250) * 256 + (i % 250) + 1);
    node.ID = swarmId('node', i);
    (node.Description as Json).Hostname = `node-${String(i + 1).padStart(4, '0')}`;
    (node.Status as Json).Addr = address;
    if (i < 3) node.ManagerStatus = { Leader: i === 0, Reachability: 'reachable', Addr: `${address}:2377` };
    nodes.push(node);
  }

  // Networks: ingress (a /16: thousands of published tasks), one overlay per stack, one for the global services.
  const makeNetwork = (template: Json, id: string, name: string, subnet: string, vxlan: number): Json => {
    const n = clone(template);
    n.Id = id;
    n.Name = name;
    n.IPAM = { Driver: 'default', Options: null, Config: [{ Subnet: subnet, Gateway: ip(ipNum(subnet.split('/')[0] ?? '') + 1) }] };
    n.Options = { 'com.docker.network.driver.overlay.vxlanid_list': String(vxlan) };
    return n;
  };
  interface Net {
    json: Json;
    subnet: string;
    pool: Pool;
  }
  const net = (template: Json, id: string, name: string, subnet: string, vxlan: number): Net => {
    const [base = '', prefix = '24'] = subnet.split('/');
    return { json: makeNetwork(template, id, name, subnet, vxlan), subnet, pool: new Pool(ipNum(base), Number(prefix)) };
  };
  const ingress = net(ingressT, swarmId('network', 0), 'ingress', '10.255.0.0/16', 4096);
  const monitoring = net(overlayT, swarmId('network', 1), 'monitoring', '10.254.0.0/19', 4097);
  const stacks = Math.ceil(replicatedServices / STACK_SIZE);
  const stackNets: Net[] = [];
  for (let k = 0; k < stacks; k++) {
    const subnet = `10.${String(1 + Math.floor(k / 256))}.${String(k % 256)}.0/24`;
    stackNets.push(net(overlayT, swarmId('network', k + 2), `stack${String(k + 1).padStart(4, '0')}_default`, subnet, 4098 + k));
  }

  const attachment = (network: Net, address: string): Json => {
    const a = clone(attachmentT);
    const n = a.Network as Json;
    n.ID = network.json.Id;
    (n.Spec as Json).Name = network.json.Name;
    (n.DriverState as Json).Options = network.json.Options;
    n.IPAMOptions = {
      Driver: { Name: 'default' },
      Configs: [{ Subnet: network.subnet, Gateway: (network.json.IPAM as { Config: Json[] }).Config[0]?.Gateway }],
    };
    a.Addresses = [address];
    return a;
  };

  // Services and their tasks.
  const services: Json[] = [];
  const tasks: Json[] = [];
  let nodeCursor = 0;
  let taskNo = 0;
  const addTask = (service: Json, nets: Net[], nodeIndex: number, slot: number | undefined): void => {
    const task = clone(taskT);
    const n = taskNo++;
    task.ID = swarmId('task', n);
    task.ServiceID = service.ID;
    task.NodeID = nodes[nodeIndex]?.ID;
    if (slot === undefined) delete task.Slot;
    else task.Slot = slot;
    const spec = task.Spec as Json;
    spec.ContainerSpec = clone(((service.Spec as Json).TaskTemplate as Json).ContainerSpec);
    spec.Networks = nets.filter((x) => x !== ingress).map((x) => ({ Target: x.json.Id }));
    ((task.Status as Json).ContainerStatus as Json).ContainerID = hex64('container', n);
    task.NetworksAttachments = nets.map((x) => attachment(x, x.pool.take()));
    tasks.push(task);
  };

  for (let g = 0; g < GLOBALS; g++) {
    const service = clone(globalT);
    service.ID = swarmId('service', g);
    const spec = service.Spec as Json;
    spec.Name = `monitoring_agent${String(g + 1)}`;
    (spec.TaskTemplate as Json).Networks = [{ Target: monitoring.json.Id }];
    if (g > 0) {
      spec.EndpointSpec = { Mode: 'vip' };
      service.Endpoint = { Spec: { Mode: 'vip' } };
    }
    (service.Endpoint as Json).VirtualIPs = [{ NetworkID: monitoring.json.Id, Addr: monitoring.pool.take() }];
    service.ServiceStatus = { RunningTasks: size.nodes, DesiredTasks: size.nodes, CompletedTasks: 0 };
    services.push(service);
    for (let i = 0; i < size.nodes; i++) addTask(service, [monitoring], i, undefined);
  }

  // Replica counts: base each, one more for the first `extra` services, adding up to replicatedTasks.
  const base = Math.floor(replicatedTasks / replicatedServices);
  const extra = replicatedTasks - base * replicatedServices;
  for (let s = 0; s < replicatedServices; s++) {
    const k = Math.floor(s / STACK_SIZE);
    const stackNet = stackNets[k];
    if (!stackNet) throw new Error('stack network missing');
    const published = s % STACK_SIZE === 0;
    const service = clone(replicatedT);
    service.ID = swarmId('service', GLOBALS + s);
    const spec = service.Spec as Json;
    spec.Name = `${(stackNet.json.Name as string).replace(/_default$/, '')}_svc${String((s % STACK_SIZE) + 1)}`;
    spec.Labels = { 'com.docker.stack.namespace': (stackNet.json.Name as string).replace(/_default$/, '') };
    const replicas = base + (s < extra ? 1 : 0);
    spec.Mode = { Replicated: { Replicas: replicas } };
    (spec.TaskTemplate as Json).Networks = [{ Target: stackNet.json.Id }];
    const ports = published ? [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 30000 + k, PublishMode: 'ingress' }] : [];
    spec.EndpointSpec = { Mode: 'vip', ...(published ? { Ports: ports } : {}) };
    const nets = published ? [ingress, stackNet] : [stackNet];
    service.Endpoint = {
      Spec: spec.EndpointSpec,
      ...(published ? { Ports: ports } : {}),
      VirtualIPs: nets.map((x) => ({ NetworkID: x.json.Id, Addr: x.pool.take() })),
    };
    service.ServiceStatus = { RunningTasks: replicas, DesiredTasks: replicas, CompletedTasks: 0 };
    services.push(service);
    for (let r = 0; r < replicas; r++) {
      addTask(service, nets, nodeCursor, r + 1);
      nodeCursor = (nodeCursor + 1) % size.nodes;
    }
  }

  const info = clone(recorded.info) as Json;
  const swarmInfo = info.Swarm as Json;
  swarmInfo.NodeID = nodes[0]?.ID;
  swarmInfo.NodeAddr = (nodes[0]?.Status as Json | undefined)?.Addr;
  swarmInfo.RemoteManagers = nodes.slice(0, 3).map((n) => ({ NodeID: n.ID, Addr: `${String((n.Status as Json).Addr)}:2377` }));
  swarmInfo.Nodes = size.nodes;
  swarmInfo.Managers = 3;
  info.Name = (nodes[0]?.Description as Json | undefined)?.Hostname;

  return {
    info,
    version: clone(recorded.version),
    swarm: clone(recorded.swarm),
    nodes,
    networks: [ingress.json, monitoring.json, ...stackNets.map((x) => x.json), ...clone(locals)],
    services,
    tasks,
  };
}
