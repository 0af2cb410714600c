/**
 * The model AST: what every document (a stack file, a merge set of stack files, or a facts document) becomes
 * before ESLint runs the rules over it. Node types are shared between the two languages wherever the thing is
 * the same (a `Service` from a stack file and a `Service` read from the Engine API are one type), so one rule
 * serves lint, preflight and audit.
 *
 * Every node has `range` (offsets into the text ESLint lints) and `loc` (1-based lines, 0-based columns, the
 * ESTree convention). `at` records where individual fields came from, so a rule can point at the exact value
 * (`replicas: 300`) rather than at the whole service. Nodes read from a facts document also carry `ref`, the
 * logical location (node, network, service, host, peer) used by reporters for cluster findings.
 */
import type {
  FactsFirewallVerdict,
  FactsHost,
  FactsInterface,
  FactsKernelModule,
  FactsListener,
  FactsMesh,
  FactsMeshControl,
  FactsMeshNetwork,
  FactsMeshNode,
  FactsMeshPair,
  FactsNode,
  FactsOutcome,
  FactsPeer,
  FactsPortCheck,
  FactsRoute,
  FactsSwarm,
} from './facts-format.js';

export interface Position {
  /** 1-based line. */
  line: number;
  /** 0-based column. */
  column: number;
}

export interface SourceLocation {
  start: Position;
  end: Position;
}

export type Range = [number, number];

/** Where a value came from: a range in the linted text and its line/column. */
export interface Span {
  range: Range;
  loc: SourceLocation;
}

export type LogicalKind = 'stack' | 'service' | 'network' | 'node' | 'host' | 'interface' | 'peer' | 'port' | 'task' | 'swarm' | 'probe';

/** A logical location: a cluster or host object a finding is about (SARIF `logicalLocations`). */
export interface LogicalRef {
  kind: LogicalKind;
  /** Human name: service name, node hostname, network name, `10.0.0.2:2377/tcp`. */
  name: string;
  /** Stable identifier where there is one (node ID, network ID). */
  id?: string;
  /** The enclosing object's logical name, e.g. the node a task runs on. */
  parent?: string;
}

export interface BaseNode extends Span {
  type: string;
  /** Where each field's value came from, when it has its own position. */
  at: Partial<Record<string, Span>>;
  ref?: LogicalRef;
}

// ---------------------------------------------------------------------------------------------------------
// Shared building blocks
// ---------------------------------------------------------------------------------------------------------

export type Protocol = 'tcp' | 'udp' | 'sctp';
export type PublishMode = 'ingress' | 'host';

export interface PortBinding extends BaseNode {
  type: 'PortBinding';
  /** Container port. */
  target: number;
  /** Published port; absent when Docker picks one. */
  published?: number;
  protocol: Protocol;
  mode: PublishMode;
  syntax: 'short' | 'long' | 'api';
  /** Host IP in the short syntax (`127.0.0.1:80:80`); `docker stack deploy` ignores it. */
  hostIp?: string;
  /** A short spec with ranges (`8000-8010:80-90`) becomes several bindings sharing one range: which one, of how many. */
  specIndex: number;
  specCount: number;
}

export interface Constraint extends BaseNode {
  type: 'Constraint';
  /** The whole expression as written, e.g. `node.platform.os == windows`. */
  expression: string;
  key: string;
  operator: '==' | '!=';
  value: string;
}

export interface ServiceNetwork extends BaseNode {
  type: 'ServiceNetwork';
  /** The network's key in the stack file (or its name in the cluster). */
  name: string;
  aliases: string[];
}

/** A reference by name from one service to another (`depends_on`, `links`, a hostname in an environment URL). */
export interface ServiceReference extends BaseNode {
  type: 'ServiceReference';
  via: 'depends_on' | 'links' | 'environment';
  /** The service name referred to. */
  target: string;
  /** For `environment`: the variable's name (its value is never copied into a finding). */
  variable?: string;
}

export type ServiceMode = 'replicated' | 'global' | 'replicated-job' | 'global-job';

export interface Service extends BaseNode {
  type: 'Service';
  name: string;
  image?: string;
  mode: ServiceMode;
  /** Declared replicas (replicated modes; default 1). */
  replicas: number;
  endpointMode: 'vip' | 'dnsrr';
  ports: PortBinding[];
  /** Networks the service is attached to. Empty with `defaultNetwork` true means the stack's `default`. */
  networks: ServiceNetwork[];
  /** True when the service lists no networks and the stack attaches it to `<stack>_default`. */
  defaultNetwork: boolean;
  constraints: Constraint[];
  maxReplicasPerNode?: number;
  references: ServiceReference[];
  /** Top-level keys present that `docker stack deploy` ignores or rejects (e.g. `build`, `container_name`). */
  keys: string[];
  /** Audit only: tasks that are running or meant to run, by node ID. */
  tasksByNode?: Record<string, number>;
  /** Stack files only: the secrets, configs and named volumes the service refers to, where each is named. */
  uses?: ResourceUse[];
  /** Stack files only: `deploy.placement.preferences` items, each `spread` as read (after interpolation). */
  spreads?: SpreadPreference[];
}

/** A placement preference `spread: <descriptor>`, where the value is written. */
export interface SpreadPreference extends Span {
  descriptor: string;
}

/**
 * A top-level secret or config read from a `file:` (not external, no driver), resolved as docker/cli resolves it:
 * against the folder of the first file of the merge set (cli/command/stack/loader.go getConfigDetails), `~` not
 * expanded. `problem` when that path is missing or a folder: `docker stack deploy` reads the file (convert
 * fileObjectConfig, os.ReadFile) and stops.
 */
export interface FileObject extends Span {
  kind: 'secret' | 'config';
  name: string;
  problem?: 'missing' | 'folder';
}

/** A service's reference to a top-level secret, config or named volume (`secrets: [db_password]`). */
export interface ResourceUse extends Span {
  kind: 'secret' | 'config' | 'volume';
  name: string;
}

export interface Subnet extends BaseNode {
  type: 'Subnet';
  /** As written; may be malformed (the `subnet-overlap` rule reports that). */
  cidr: string;
  gateway?: string;
}

export interface Network extends BaseNode {
  type: 'Network';
  /** The key in the stack file, or the network name in the cluster. */
  name: string;
  driver: string;
  external: boolean;
  attachable: boolean;
  internal: boolean;
  ingress: boolean;
  encrypted: boolean;
  /** `com.docker.network.driver.mtu` when set. */
  mtu?: number;
  /**
   * Stack files: the values of the `encrypted` and `com.docker.network.driver.mtu` driver options as the loader
   * read them (quotes gone, YAML scalars as text), when set to a plain value; one that comes from a variable is
   * left out, so that no message echoes an environment value.
   */
  driverOpts?: { encrypted?: string; mtu?: string };
  subnets: Subnet[];
  /** True for the implicit `default` network a stack creates for services that name none. */
  implicit: boolean;
  /** Audit only: how many task addresses and service VIPs this network holds, and the nodes it is attached on. */
  attachments?: number;
  vips?: number;
  nodes?: string[];
  /** Audit only: the network's scope (`swarm`, `local`). */
  scope?: string;
  id?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Stack documents
// ---------------------------------------------------------------------------------------------------------

/** A problem found while loading (schema, interpolation, structure), reported by a rule so it can be configured. */
export interface LoadDiagnostic extends Span {
  /** The rule that reports it. */
  rule: 'schema' | 'interpolation' | 'swarm-ignored-key';
  messageId: string;
  data: Record<string, string>;
}

export interface StackFileInfo {
  path: string;
  /** Offset of this file's first character in the linted text. */
  offset: number;
  /** 1-based line of the file's first line in the linted text. */
  line: number;
  length: number;
}

export interface Stack extends BaseNode {
  type: 'Stack';
  /** The stack's name (`docker stack deploy … NAME`), for messages only. */
  name: string;
  files: StackFileInfo[];
  version?: string;
  services: Service[];
  networks: Network[];
  diagnostics: LoadDiagnostic[];
  comments: Comment[];
  /** The top-level `secrets`, `configs` and `volumes` keys of all the files (absent in models not read from files). */
  definitions?: Record<ResourceUse['kind'], string[]>;
  /** The top-level secrets and configs read from files (the later file's definition of a name wins). */
  fileObjects?: FileObject[];
}

export interface Comment extends Span {
  type: 'Line';
  /** The text after `#`. */
  value: string;
}

// ---------------------------------------------------------------------------------------------------------
// Facts documents (preflight and audit): each node is its facts shape (language/facts-format.ts) plus position.
// ---------------------------------------------------------------------------------------------------------

export interface SwarmNode extends BaseNode, Omit<FactsNode, 'leader'> {
  type: 'SwarmNode';
  /** The manager that leads the Raft consensus. */
  leader: boolean;
}

export interface SwarmInfo extends BaseNode, Omit<FactsSwarm, 'id'> {
  type: 'SwarmInfo';
}

export interface ProbeOutcome extends BaseNode, FactsOutcome {
  type: 'ProbeOutcome';
}

export type Root = Stack | Facts;

export interface Facts extends BaseNode {
  type: 'Facts';
  kind: 'preflight' | 'audit';
  /** Where the facts came from (an engine address, a host name), for messages. */
  source: string;
  swarm?: SwarmInfo;
  nodes: SwarmNode[];
  networks: Network[];
  services: Service[];
  outcomes: ProbeOutcome[];
  /** Preflight: this host, and its paths to the manager and peers. */
  host?: Host;
  peers: PeerPath[];
  /** Audit with `--deep`: what each node's task saw of every other node. */
  mesh?: Mesh;
  comments: Comment[];
}

// ---------------------------------------------------------------------------------------------------------
// Preflight: this host and its paths. Each node is its facts shape (language/facts-format.ts) plus position.
// ---------------------------------------------------------------------------------------------------------

export interface HostInterface extends BaseNode, FactsInterface {
  type: 'HostInterface';
}

export interface HostRoute extends BaseNode, FactsRoute {
  type: 'HostRoute';
}

export interface FirewallVerdict extends BaseNode, FactsFirewallVerdict {
  type: 'FirewallVerdict';
}

export interface Listener extends BaseNode, FactsListener {
  type: 'Listener';
}

export interface KernelModule extends BaseNode, FactsKernelModule {
  type: 'KernelModule';
}

export interface Host extends BaseNode, Omit<FactsHost, 'interfaces' | 'routes' | 'firewall' | 'listeners' | 'modules'> {
  type: 'Host';
  interfaces: HostInterface[];
  routes: HostRoute[];
  firewall: FirewallVerdict[];
  listeners: Listener[];
  modules: KernelModule[];
}

export interface PortCheck extends BaseNode, FactsPortCheck {
  type: 'PortCheck';
}

export interface PeerPath extends BaseNode, Omit<FactsPeer, 'checks'> {
  type: 'PeerPath';
  checks: PortCheck[];
}

// ---------------------------------------------------------------------------------------------------------
// Deep audit: the mesh. Each node is its facts shape (language/facts-format.ts) plus position.
// ---------------------------------------------------------------------------------------------------------

export interface MeshNode extends BaseNode, FactsMeshNode {
  type: 'MeshNode';
}

export interface MeshPair extends BaseNode, FactsMeshPair {
  type: 'MeshPair';
}

export interface MeshNetwork extends BaseNode, FactsMeshNetwork {
  type: 'MeshNetwork';
}

export interface MeshControl extends BaseNode, FactsMeshControl {
  type: 'MeshControl';
}

export interface Mesh extends BaseNode, Omit<FactsMesh, 'nodes' | 'pairs' | 'networks' | 'control'> {
  type: 'Mesh';
  nodes: MeshNode[];
  pairs: MeshPair[];
  networks: MeshNetwork[];
  control: MeshControl[];
}

export type ModelNode =
  | Stack
  | Facts
  | Service
  | Network
  | Subnet
  | PortBinding
  | Constraint
  | ServiceNetwork
  | ServiceReference
  | SwarmNode
  | SwarmInfo
  | ProbeOutcome
  | Host
  | HostInterface
  | HostRoute
  | FirewallVerdict
  | Listener
  | KernelModule
  | PeerPath
  | PortCheck
  | Mesh
  | MeshNode
  | MeshPair
  | MeshNetwork
  | MeshControl;

/** ESLint's traversal follows these keys. */
export const visitorKeys: Record<string, string[]> = {
  Stack: ['networks', 'services'],
  Facts: ['swarm', 'nodes', 'networks', 'services', 'host', 'peers', 'outcomes', 'mesh'],
  Mesh: ['nodes', 'networks', 'pairs', 'control'],
  MeshNode: [],
  MeshPair: [],
  MeshNetwork: [],
  MeshControl: [],
  Host: ['interfaces', 'routes', 'firewall', 'listeners', 'modules'],
  HostInterface: [],
  HostRoute: [],
  FirewallVerdict: [],
  Listener: [],
  KernelModule: [],
  PeerPath: ['checks'],
  PortCheck: [],
  Service: ['ports', 'networks', 'constraints', 'references'],
  Network: ['subnets'],
  Subnet: [],
  PortBinding: [],
  Constraint: [],
  ServiceNetwork: [],
  ServiceReference: [],
  SwarmNode: [],
  SwarmInfo: [],
  ProbeOutcome: [],
};
