/**
 * The facts document: what probes write (preflight) or what the Engine API says (audit), saved as JSON with
 * `--save-facts` and read back by engine/loader/facts.ts. Described by schemas/facts.schema.json. Facts are
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
}
