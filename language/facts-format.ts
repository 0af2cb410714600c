/**
 * The facts document: what probes write (preflight) or what the Engine API says (audit), saved as JSON with
 * `--save-facts` and read back by language/loader/facts.ts. Described by schemas/facts.schema.json. Facts are
 * plain data: no secrets (no join tokens, keys, certificates or environment values) ever enter them.
 */
export const FACTS_FORMAT = 'swarmlint-facts/1';

export interface FactsNode {
  id: string;
  hostname: string;
  role: 'manager' | 'worker';
  availability: string;
  state: string;
  os: string;
  arch: string;
  engineVersion: string;
  address: string;
  /** Tasks desired running on the node. */
  tasks: number;
  /** MTU of the interface that carries overlay traffic, when a host probe saw it. */
  underlayMtu?: number;
  labels: Record<string, string>;
  leader?: boolean;
}

export interface FactsNetwork {
  id: string;
  name: string;
  driver: string;
  scope: string;
  ingress: boolean;
  attachable: boolean;
  internal: boolean;
  encrypted: boolean;
  /** `com.docker.network.driver.mtu`, when set. */
  mtu?: number;
  subnets: string[];
  /** Addresses tasks hold on this network (running or meant to run). */
  attachments: number;
  /** Virtual IPs of services on this network. */
  vips: number;
  /** Nodes with a task on this network (each holds a load-balancer address). */
  nodes: string[];
}

export interface FactsPort {
  target: number;
  published?: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  mode: 'ingress' | 'host';
}

export interface FactsService {
  id: string;
  name: string;
  image: string;
  mode: 'replicated' | 'global' | 'replicated-job' | 'global-job';
  replicas: number;
  endpointMode: 'vip' | 'dnsrr';
  ports: FactsPort[];
  /** Network names. */
  networks: string[];
  constraints: string[];
  maxReplicasPerNode?: number;
  /** Tasks desired running, by node ID. */
  tasksByNode: Record<string, number>;
}

export interface FactsOutcome {
  /** `engine-api/nodes`, `peer/10.0.0.2/udp/4789`, … */
  probe: string;
  status: 'ok' | 'skipped' | 'error';
  reason?: string;
  /** What could not be checked, in words. */
  subject?: string;
}

export interface FactsSwarm {
  id: string;
  dataPathPort: number;
  defaultAddrPools: string[];
  subnetSize: number;
}

export interface FactsDocument {
  format: typeof FACTS_FORMAT;
  kind: 'preflight' | 'audit';
  /** When the facts were gathered (ISO 8601). */
  collectedAt: string;
  /** Where they came from, for people (e.g. `unix:///var/run/docker.sock`); never credentials. */
  source: string;
  swarm?: FactsSwarm;
  nodes: FactsNode[];
  networks: FactsNetwork[];
  services: FactsService[];
  outcomes: FactsOutcome[];
  /** `audit --deep`: what each node's task saw of every other node over the overlay. */
  mesh?: FactsMesh;
}

// ---------------------------------------------------------------------------------------------------------
// Preflight: this host and its paths to the other nodes.
// ---------------------------------------------------------------------------------------------------------

export interface FactsInterface {
  name: string;
  mtu: number;
  up: boolean;
  /** Addresses with their prefix, `192.168.1.10/24`, `fe80::1/64`. */
  addresses: string[];
  /** Kernel driver (`ethtool -i`), when known: `vmxnet3`, `virtio_net`. */
  driver?: string;
  /** `tx-checksum-ip-generic` offload state (`ethtool -k`), when known. */
  txChecksumIpGeneric?: boolean;
}

export interface FactsRoute {
  /** `default` or a CIDR. */
  destination: string;
  device: string;
  gateway?: string;
  /** A route's own `mtu` attribute, when set. */
  mtu?: number;
}

/** What the local firewall does with swarm traffic from a peer (or from anywhere), and the rule that decides. */
export interface FactsFirewallVerdict {
  protocol: 'tcp' | 'udp' | 'esp';
  /** Absent for ESP. */
  port?: number;
  /** A peer address, or `any`. */
  from: string;
  verdict: 'accept' | 'drop' | 'reject' | 'unknown';
  /** The rule text that decides (or the chain policy), as the firewall prints it. */
  rule?: string;
  /** Which firewall: `iptables-legacy`, `iptables-nft`, `nftables`, `ufw`, `firewalld`. */
  source: string;
}

export interface FactsListener {
  protocol: 'tcp' | 'udp';
  port: number;
  address: string;
  /** The owning process name, when known (`dockerd`). */
  process?: string;
}

export interface FactsKernelModule {
  name: string;
  state: 'loaded' | 'builtin' | 'available' | 'missing' | 'unknown';
}

export interface FactsHost {
  hostname: string;
  os: string;
  kernel: string;
  arch: string;
  root: boolean;
  capNetRaw: boolean;
  /** `legacy`, `nf_tables`, or absent when no iptables. */
  iptablesBackend?: string;
  engine?: {
    version: string;
    /** `inactive`, `pending`, `active`, `error`, `locked`. */
    swarmState: string;
    role?: 'manager' | 'worker';
    dataPathPort?: number;
  };
  interfaces: FactsInterface[];
  routes: FactsRoute[];
  firewall: FactsFirewallVerdict[];
  listeners: FactsListener[];
  modules: FactsKernelModule[];
}

/** One probe of a path to a peer. */
export interface FactsPortCheck {
  protocol: 'tcp' | 'udp' | 'esp' | 'icmp';
  port?: number;
  /**
   * `open` (connected, or the responder echoed the nonce both ways), `closed` (refused, or ICMP port
   * unreachable), `filtered` (no answer where one was due), `open-or-filtered` (UDP with no responder: silence
   * proves nothing), `error` (the probe itself failed).
   */
  state: 'open' | 'closed' | 'filtered' | 'open-or-filtered' | 'error';
  /** `connect`, `responder`, `icmp-unreachable`, `echo`. */
  method: string;
  detail?: string;
}

export interface FactsPeer {
  address: string;
  role: 'manager' | 'peer';
  /** The interface the route to the peer uses, and its MTU. */
  device?: string;
  deviceMtu?: number;
  checks: FactsPortCheck[];
  /** The largest ICMP payload + headers (an IP packet size) that got an answer with DF set, and the largest tried. */
  pathMtu?: number;
  pathMtuProbedUpTo?: number;
}

/** In a preflight document, `nodes`, `networks`, `services` and `swarm` are the manager's, when its API was read. */
export interface PreflightFacts extends FactsDocument {
  kind: 'preflight';
  host?: FactsHost;
  peers: FactsPeer[];
}

// ---------------------------------------------------------------------------------------------------------
// Deep audit (`audit --deep`): the mesh of node-to-node results, drawn by reporters/html/mesh.ts.
// ---------------------------------------------------------------------------------------------------------

/** Which of the deep audit's services: the plain overlay, the encrypted overlay, the host network. */
export type FactsMeshKind = 'plain' | 'encrypted' | 'host';

/** DF-set ICMP echoes of one size: `size` is the IP packet's size in bytes. */
export interface FactsMeshEcho {
  size: number;
  sent: number;
  received: number;
}

/** A deep-audit task on a node: its last state and error as the swarm reported them. */
export interface FactsMeshTask {
  state: string;
  /** Its result line came back through the service logs. */
  reported?: boolean;
  error?: string;
  message?: string;
}

export interface FactsMeshNode {
  id: string;
  hostname: string;
  address: string;
  role: 'manager' | 'worker';
  availability: string;
  state: string;
  /** A task of the deep audit ran here and reported a result. */
  ran: boolean;
  /** Why no task was started here, when known beforehand: drained, down, outside `--deep-constraint`. */
  reason?: string;
  tasks: Partial<Record<FactsMeshKind, FactsMeshTask>>;
  /** What the node's tasks said they could not do (from their result's `notes`). */
  notes?: string[];
}

/** One ordered pair over one overlay. `from`/`to` are node IDs. */
export interface FactsMeshPair {
  from: string;
  to: string;
  network: 'plain' | 'encrypted';
  /** `ok`: small and large echoes answered; `mtu-blackhole`: small ones answered, large ones not. */
  verdict: 'ok' | 'unreachable' | 'mtu-blackhole' | 'untested';
  small: FactsMeshEcho | null;
  large: FactsMeshEcho | null;
  reason?: string;
}

export interface FactsMeshNetwork {
  key: 'plain' | 'encrypted';
  name: string;
  encrypted: boolean;
  /** The MTU of the task's interface on the overlay (the large echo's size), when a task reported it. */
  mtu?: number;
}

/** A TCP connect from a node's host network to a swarm port of another node (2377 to managers, 7946 to all). */
export interface FactsMeshControl {
  from: string;
  to: string;
  port: number;
  verdict: 'open' | 'closed' | 'filtered';
  error?: string;
}

/** `--deep-sample`: each node tested `peers` other nodes, chosen from `seed` (probes/deep/sample.ts). */
export interface FactsMeshSample {
  peers: number;
  seed: string;
}

export interface FactsMesh {
  /** The run id its objects were labelled with (`io.swarmlint.run`). */
  run: string;
  image: string;
  /** Set when the run tested a sample of the pairs: the pairs not sampled are absent from `pairs`. */
  sample?: FactsMeshSample;
  nodes: FactsMeshNode[];
  pairs: FactsMeshPair[];
  networks: FactsMeshNetwork[];
  control: FactsMeshControl[];
}
