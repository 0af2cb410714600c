import { LoadError } from './errors.js';
import { defaultLimits, type LoadLimits } from './limits.js';
import { readJson, type JsonItem } from './json.js';
import { LineIndex } from './text.js';
import type {
  Facts,
  FirewallVerdict,
  Host,
  HostInterface,
  HostRoute,
  KernelModule,
  Listener,
  Mesh,
  MeshControl,
  MeshNetwork,
  MeshNode,
  MeshPair,
  PeerPath,
  PortCheck,
  Network,
  PortBinding,
  ProbeOutcome,
  Protocol,
  Range,
  Service,
  ServiceMode,
  ServiceNetwork,
  Span,
  SwarmInfo,
  SwarmNode,
  Subnet,
  Constraint,
} from '../model.js';

import { FACTS_FORMAT, type FactsMeshEcho, type FactsMeshKind, type FactsMeshLeak, type FactsMeshTask } from '../facts-format.js';

/**
 * Facts documents (language/facts-format.ts): what probes saw (preflight) or what a manager's Engine API says
 * (audit), as JSON, read back into the model with positions, so `swarmlint lint FACTS.json` re-evaluates a
 * saved run offline and points at the object a finding is about.
 */
export { FACTS_FORMAT };

/** Is this text a facts document (rather than a stack file)? A cheap look at the start of the text. */
export function looksLikeFacts(text: string): boolean {
  return /^\s*\{[\s\S]{0,200}"format"\s*:\s*"swarmlint-facts\//.test(text);
}

/** Member `key` of a JSON object, as JSON.parse gave it; undefined for anything else. */
const get = (v: unknown, key: string): unknown =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : undefined;
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): boolean => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const s = (v: unknown, fallback = ''): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : fallback;
const n = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const b = (v: unknown): boolean => v === true;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] =>
  list(v)
    .map((x) => s(x))
    .filter(Boolean);
const record = (v: unknown): Record<string, string> => (isMap(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, s(x)])) : {});

export function loadFacts(text: string, path: string, limits: LoadLimits = defaultLimits): Facts {
  const doc = readJson(text, path, limits);
  const root = doc.root;
  if (!isMap(root.value)) throw new LoadError('a facts document is a JSON object', path, 1, 1);
  const format = s(get(root.value, 'format'));
  if (format !== FACTS_FORMAT) {
    throw new LoadError(`not a facts document this version reads (format "${format}", expected "${FACTS_FORMAT}")`, path, 1, 1);
  }
  const lines = new LineIndex(text);
  const span = (r: Range): Span => ({ range: r, loc: lines.loc(r[0], r[1]) });
  const reader: Reader = { span, items: (of, key) => doc.items(doc.child(of, key)) };
  const map = (key: string): JsonItem | undefined => {
    const item = doc.child(root, key);
    return isMap(item?.value) ? item : undefined;
  };
  const kind = s(get(root.value, 'kind')) === 'preflight' ? 'preflight' : 'audit';

  const swarmV = map('swarm');
  const swarm = swarmV ? readSwarm(swarmV, reader) : undefined;
  const nodes = reader.items(root, 'nodes').map((v) => readNode(v, reader));
  const networks = reader.items(root, 'networks').map((v) => readNetwork(v, reader));
  const services = reader.items(root, 'services').map((v) => readService(v, reader));
  const outcomes = reader.items(root, 'outcomes').map((v) => readOutcome(v, reader));

  const hostV = map('host');
  const host = hostV ? readHost(hostV, reader) : undefined;
  const peers = reader.items(root, 'peers').map((v) => readPeer(v, reader));
  const meshV = map('mesh');
  const mesh = meshV ? readMesh(meshV, reader) : undefined;

  return {
    type: 'Facts',
    ...span([0, text.length]),
    at: {},
    kind,
    source: s(get(root.value, 'source')),
    ...(swarm ? { swarm } : {}),
    nodes,
    networks,
    services,
    outcomes,
    ...(host ? { host } : {}),
    peers,
    ...(mesh ? { mesh } : {}),
    comments: [],
  };
}

/** For ESLint users and the engine alike: a facts document's text to its model. */
export function loadFactsText(text: string, path: string): Facts {
  return loadFacts(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, path);
}

/** What the readers below need: a span for a range, and the items of a list with where each was written. */
interface Reader {
  span: (r: Range) => Span;
  items: (of: JsonItem, key: string) => JsonItem[];
}
const opt = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  value === undefined || value === '' ? {} : ({ [key]: value } as Record<K, V>);
const oneOf = <T extends string>(value: string, allowed: readonly T[], fallback: T): T => allowed.find((a) => a === value) ?? fallback;

/** The swarm's settings (audit, or preflight through the manager). */
function readSwarm(item: JsonItem, { span }: Reader): SwarmInfo {
  const v = item.value;
  return {
    type: 'SwarmInfo',
    ...span(item.range),
    at: {},
    ref: { kind: 'swarm', name: 'swarm' },
    dataPathPort: n(get(v, 'dataPathPort')) ?? 4789,
    defaultAddrPools: strings(get(v, 'defaultAddrPools')),
    subnetSize: n(get(v, 'subnetSize')) ?? 24,
  };
}

function readNode(item: JsonItem, { span }: Reader): SwarmNode {
  const v = item.value;
  const hostname = s(get(v, 'hostname'), s(get(v, 'id')));
  const mtu = n(get(v, 'underlayMtu'));
  return {
    type: 'SwarmNode',
    ...span(item.range),
    at: {},
    ref: { kind: 'node', name: hostname, id: s(get(v, 'id')) },
    id: s(get(v, 'id')),
    hostname,
    role: s(get(v, 'role')) === 'manager' ? 'manager' : 'worker',
    leader: b(get(v, 'leader')),
    availability: s(get(v, 'availability'), 'active'),
    state: s(get(v, 'state'), 'ready'),
    os: s(get(v, 'os'), 'linux'),
    arch: s(get(v, 'arch')),
    engineVersion: s(get(v, 'engineVersion')),
    address: s(get(v, 'address')),
    tasks: n(get(v, 'tasks')) ?? 0,
    ...(mtu !== undefined ? { underlayMtu: mtu } : {}),
    labels: record(get(v, 'labels')),
  };
}

function readNetwork(item: JsonItem, { span, items }: Reader): Network {
  const v = item.value;
  const name = s(get(v, 'name'));
  const mtu = n(get(v, 'mtu'));
  const subnets: Subnet[] = items(item, 'subnets').map(({ value: x, range }) => ({ type: 'Subnet', ...span(range), at: {}, cidr: s(x) }));
  const attachments = n(get(v, 'attachments'));
  const vips = n(get(v, 'vips'));
  return {
    type: 'Network',
    ...span(item.range),
    at: {},
    ref: { kind: 'network', name, id: s(get(v, 'id')) },
    id: s(get(v, 'id')),
    name,
    driver: s(get(v, 'driver'), 'overlay'),
    scope: s(get(v, 'scope'), 'swarm'),
    external: false,
    attachable: b(get(v, 'attachable')),
    internal: b(get(v, 'internal')),
    ingress: b(get(v, 'ingress')),
    encrypted: b(get(v, 'encrypted')),
    ...(mtu !== undefined ? { mtu } : {}),
    subnets,
    implicit: false,
    ...(attachments !== undefined ? { attachments } : {}),
    ...(vips !== undefined ? { vips } : {}),
    nodes: strings(get(v, 'nodes')),
  };
}

function readService(item: JsonItem, { span, items }: Reader): Service {
  const v = item.value;
  const name = s(get(v, 'name'));
  const modeText = s(get(v, 'mode'), 'replicated');
  const mode: ServiceMode = (['replicated', 'global', 'replicated-job', 'global-job'] as const).find((m) => m === modeText) ?? 'replicated';
  const ports: PortBinding[] = items(item, 'ports').map(({ value: p, range }) => {
    const published = n(get(p, 'published'));
    return {
      type: 'PortBinding',
      ...span(range),
      at: {},
      ref: { kind: 'port', name: `${String(published ?? '')}/${s(get(p, 'protocol'), 'tcp')}`, parent: name },
      target: n(get(p, 'target')) ?? 0,
      ...(published ? { published } : {}),
      protocol: s(get(p, 'protocol'), 'tcp') as Protocol,
      mode: s(get(p, 'mode')) === 'host' ? 'host' : 'ingress',
      syntax: 'api',
      specIndex: 0,
      specCount: 1,
    };
  });
  const nets: ServiceNetwork[] = items(item, 'networks').map(({ value: x, range }) => ({
    type: 'ServiceNetwork',
    ...span(range),
    at: {},
    name: s(x),
    aliases: [],
  }));
  const constraints: Constraint[] = items(item, 'constraints').map(({ value: x, range }) => {
    const expression = s(x);
    const m = /^\s*([^=!\s]+)\s*(==|!=)\s*(.*?)\s*$/.exec(expression);
    return {
      type: 'Constraint',
      ...span(range),
      at: {},
      expression,
      key: m?.[1] ?? expression,
      operator: (m?.[2] ?? '==') as '==' | '!=',
      value: m?.[3] ?? '',
    };
  });
  const max = n(get(v, 'maxReplicasPerNode'));
  const tasksByNode = get(v, 'tasksByNode');
  return {
    type: 'Service',
    ...span(item.range),
    at: {},
    ref: { kind: 'service', name, id: s(get(v, 'id')) },
    name,
    image: s(get(v, 'image')),
    mode,
    replicas: n(get(v, 'replicas')) ?? (mode === 'replicated' ? 1 : 0),
    endpointMode: s(get(v, 'endpointMode')) === 'dnsrr' ? 'dnsrr' : 'vip',
    ports,
    networks: nets,
    defaultNetwork: false,
    constraints,
    ...(max !== undefined ? { maxReplicasPerNode: max } : {}),
    references: [],
    keys: [],
    ...(isMap(tasksByNode) ? { tasksByNode: Object.fromEntries(Object.entries(tasksByNode).map(([k, x]) => [k, n(x) ?? 0])) } : {}),
  };
}

function readOutcome(item: JsonItem, { span }: Reader): ProbeOutcome {
  const v = item.value;
  const status = s(get(v, 'status'));
  const reason = s(get(v, 'reason'));
  const subject = s(get(v, 'subject'));
  return {
    type: 'ProbeOutcome',
    ...span(item.range),
    at: {},
    ref: { kind: 'probe', name: s(get(v, 'probe')) },
    probe: s(get(v, 'probe')),
    status: status === 'skipped' || status === 'error' ? status : 'ok',
    ...(reason ? { reason } : {}),
    ...(subject ? { subject } : {}),
  };
}

function readHost(item: JsonItem, { span, items }: Reader): Host {
  const v = item.value;
  const hostname = s(get(v, 'hostname'), 'this host');
  const engineV = get(v, 'engine');
  const ref = (kind: 'interface' | 'port' | 'host', name: string) => ({ kind, name, parent: hostname });
  const interfaces: HostInterface[] = items(item, 'interfaces').map(({ value: x, range }) => ({
    type: 'HostInterface',
    ...span(range),
    at: {},
    ref: ref('interface', s(get(x, 'name'))),
    name: s(get(x, 'name')),
    mtu: n(get(x, 'mtu')) ?? 0,
    up: b(get(x, 'up')),
    addresses: strings(get(x, 'addresses')),
    ...opt('driver', s(get(x, 'driver'))),
    ...(isScalar(get(x, 'txChecksumIpGeneric')) ? { txChecksumIpGeneric: b(get(x, 'txChecksumIpGeneric')) } : {}),
  }));
  const routes: HostRoute[] = items(item, 'routes').map(({ value: x, range }) => ({
    type: 'HostRoute',
    ...span(range),
    at: {},
    destination: s(get(x, 'destination')),
    device: s(get(x, 'device')),
    ...opt('gateway', s(get(x, 'gateway'))),
    ...opt('mtu', n(get(x, 'mtu'))),
  }));
  const firewall: FirewallVerdict[] = items(item, 'firewall').map(({ value: x, range }) => {
    const protocol = oneOf(s(get(x, 'protocol')), ['tcp', 'udp', 'esp'] as const, 'tcp');
    const port = n(get(x, 'port'));
    return {
      type: 'FirewallVerdict',
      ...span(range),
      at: {},
      ref: ref('port', port !== undefined ? `${String(port)}/${protocol}` : protocol),
      protocol,
      ...opt('port', port),
      from: s(get(x, 'from'), 'any'),
      verdict: oneOf(s(get(x, 'verdict')), ['accept', 'drop', 'reject', 'unknown'] as const, 'unknown'),
      ...opt('rule', s(get(x, 'rule'))),
      source: s(get(x, 'source')),
    };
  });
  const listeners: Listener[] = items(item, 'listeners').map(({ value: x, range }) => ({
    type: 'Listener',
    ...span(range),
    at: {},
    ref: ref('port', `${String(n(get(x, 'port')) ?? 0)}/${s(get(x, 'protocol'), 'tcp')}`),
    protocol: oneOf(s(get(x, 'protocol')), ['tcp', 'udp'] as const, 'tcp'),
    port: n(get(x, 'port')) ?? 0,
    address: s(get(x, 'address')),
    ...opt('process', s(get(x, 'process'))),
  }));
  const modules: KernelModule[] = items(item, 'modules').map(({ value: x, range }) => ({
    type: 'KernelModule',
    ...span(range),
    at: {},
    name: s(get(x, 'name')),
    state: oneOf(s(get(x, 'state')), ['loaded', 'builtin', 'available', 'missing', 'unknown'] as const, 'unknown'),
  }));
  const role = s(get(engineV, 'role'));
  return {
    type: 'Host',
    ...span(item.range),
    at: {},
    ref: { kind: 'host', name: hostname },
    hostname,
    os: s(get(v, 'os'), 'linux').toLowerCase(),
    kernel: s(get(v, 'kernel')),
    arch: s(get(v, 'arch')),
    root: b(get(v, 'root')),
    capNetRaw: b(get(v, 'capNetRaw')),
    ...opt('iptablesBackend', s(get(v, 'iptablesBackend'))),
    ...(isMap(engineV)
      ? {
          engine: {
            version: s(get(engineV, 'version')),
            swarmState: s(get(engineV, 'swarmState'), 'inactive'),
            ...(role === 'manager' || role === 'worker' ? { role } : {}),
            ...opt('dataPathPort', n(get(engineV, 'dataPathPort'))),
          },
        }
      : {}),
    interfaces,
    routes,
    firewall,
    listeners,
    modules,
  };
}

function readPeer(item: JsonItem, { span, items }: Reader): PeerPath {
  const v = item.value;
  const address = s(get(v, 'address'));
  const checks: PortCheck[] = items(item, 'checks').map(({ value: x, range }) => {
    const protocol = oneOf(s(get(x, 'protocol')), ['tcp', 'udp', 'esp', 'icmp'] as const, 'tcp');
    const port = n(get(x, 'port'));
    return {
      type: 'PortCheck',
      ...span(range),
      at: {},
      ref: {
        kind: 'port',
        name: port !== undefined ? `${address}:${String(port)}/${protocol}` : `${address} ${protocol}`,
        parent: address,
      },
      protocol,
      ...opt('port', port),
      state: oneOf(s(get(x, 'state')), ['open', 'closed', 'filtered', 'open-or-filtered', 'error'] as const, 'error'),
      method: s(get(x, 'method')),
      ...opt('detail', s(get(x, 'detail'))),
    };
  });
  return {
    type: 'PeerPath',
    ...span(item.range),
    at: {},
    ref: { kind: 'peer', name: address },
    address,
    role: s(get(v, 'role')) === 'manager' ? 'manager' : 'peer',
    ...opt('device', s(get(v, 'device'))),
    ...opt('deviceMtu', n(get(v, 'deviceMtu'))),
    checks,
    ...opt('pathMtu', n(get(v, 'pathMtu'))),
    ...opt('pathMtuProbedUpTo', n(get(v, 'pathMtuProbedUpTo'))),
  };
}

function readEcho(v: unknown): FactsMeshEcho | null {
  if (!isMap(v)) return null;
  return { size: n(get(v, 'size')) ?? 0, sent: n(get(v, 'sent')) ?? 0, received: n(get(v, 'received')) ?? 0 };
}

function readMesh(item: JsonItem, { span, items }: Reader): Mesh {
  const v = item.value;
  const nodes: MeshNode[] = items(item, 'nodes').map(({ value: x, range }) => {
    const id = s(get(x, 'id'));
    const hostname = s(get(x, 'hostname'), id);
    const tasksV = get(x, 'tasks');
    const tasks: Partial<Record<FactsMeshKind, FactsMeshTask>> = {};
    for (const kind of ['plain', 'encrypted', 'host'] as const) {
      const t = tasksV ? get(tasksV, kind) : undefined;
      if (!isMap(t)) continue;
      tasks[kind] = {
        state: s(get(t, 'state'), 'unknown'),
        ...(b(get(t, 'reported')) ? { reported: true } : {}),
        ...opt('error', s(get(t, 'error'))),
        ...opt('message', s(get(t, 'message'))),
      };
    }
    const notes = strings(get(x, 'notes'));
    return {
      type: 'MeshNode',
      ...span(range),
      at: {},
      ref: { kind: 'node', name: hostname, id },
      id,
      hostname,
      address: s(get(x, 'address')),
      role: s(get(x, 'role')) === 'manager' ? 'manager' : 'worker',
      availability: s(get(x, 'availability'), 'active'),
      state: s(get(x, 'state'), 'unknown'),
      ran: b(get(x, 'ran')),
      ...opt('reason', s(get(x, 'reason'))),
      tasks,
      ...(notes.length > 0 ? { notes } : {}),
    };
  });
  const names = new Map(nodes.map((x) => [x.id, x.hostname]));
  const pairs: MeshPair[] = items(item, 'pairs').map(({ value: x, range }) => {
    const from = s(get(x, 'from'));
    const to = s(get(x, 'to'));
    const network = s(get(x, 'network')) === 'encrypted' ? 'encrypted' : 'plain';
    return {
      type: 'MeshPair',
      ...span(range),
      at: {},
      ref: { kind: 'peer', name: `${names.get(from) ?? from} → ${names.get(to) ?? to}`, parent: network },
      from,
      to,
      network,
      verdict: oneOf(s(get(x, 'verdict')), ['ok', 'unreachable', 'mtu-blackhole', 'untested'] as const, 'untested'),
      small: readEcho(get(x, 'small')),
      large: readEcho(get(x, 'large')),
      ...opt('reason', s(get(x, 'reason'))),
    };
  });
  const networks: MeshNetwork[] = items(item, 'networks').map(({ value: x, range }) => ({
    type: 'MeshNetwork',
    ...span(range),
    at: {},
    ref: { kind: 'network', name: s(get(x, 'name')) },
    key: s(get(x, 'key')) === 'encrypted' ? 'encrypted' : 'plain',
    name: s(get(x, 'name')),
    encrypted: b(get(x, 'encrypted')),
    ...opt('mtu', n(get(x, 'mtu'))),
  }));
  const control: MeshControl[] = items(item, 'control').map(({ value: x, range }) => {
    const from = s(get(x, 'from'));
    const to = s(get(x, 'to'));
    const port = n(get(x, 'port')) ?? 0;
    return {
      type: 'MeshControl',
      ...span(range),
      at: {},
      ref: { kind: 'port', name: `${names.get(to) ?? to}:${String(port)}/tcp`, parent: names.get(from) ?? from },
      from,
      to,
      port,
      verdict: oneOf(s(get(x, 'verdict')), ['open', 'closed', 'filtered'] as const, 'filtered'),
      ...opt('error', s(get(x, 'error'))),
    };
  });
  const leak = readLeak(get(v, 'leak'));
  const sampleV = get(v, 'sample');
  const peers = isMap(sampleV) ? n(get(sampleV, 'peers')) : undefined;
  const sample = sampleV && peers !== undefined ? { peers, seed: s(get(sampleV, 'seed')) } : undefined;
  return {
    type: 'Mesh',
    ...span(item.range),
    at: {},
    run: s(get(v, 'run')),
    image: s(get(v, 'image')),
    ...(sample ? { sample } : {}),
    nodes,
    pairs,
    networks,
    control,
    ...(leak ? { leak } : {}),
  };
}

function readLeak(v: unknown): FactsMeshLeak | undefined {
  if (!isMap(v)) return undefined;
  return {
    network: 'encrypted',
    ...opt('vni', n(get(v, 'vni'))),
    port: n(get(v, 'port')) ?? 0,
    ...opt('untested', s(get(v, 'untested'))),
    nodes: list(get(v, 'nodes')).map((x) => ({
      node: s(get(x, 'node')),
      window_ms: n(get(x, 'window_ms')) ?? 0,
      ...opt('untested', s(get(x, 'untested'))),
      from: list(get(x, 'from')).map((f) => ({ from: s(get(f, 'from')), packets: n(get(f, 'packets')) ?? 0 })),
    })),
  };
}
