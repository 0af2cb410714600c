/**
 * The pure part of `swarmlint audit --deep`: which nodes can run its tasks (and why not), what their result lines
 * say, and the mesh (facts section `mesh`) built from the nodes, the tasks and the results. No I/O:
 * probes/audit/deep.ts creates the services and reads the Engine API.
 */
import type {
  FactsMesh,
  FactsMeshControl,
  FactsMeshEcho,
  FactsMeshKind,
  FactsMeshLeak,
  FactsMeshNode,
  FactsMeshPair,
  FactsMeshTask,
} from '../../language/facts-format.js';
import { arr, num, obj, str } from '../parse/json.js';
import type { LogLine } from '../parse/log-stream.js';
import { sampleMap } from '../deep/sample.js';

export type OverlayKind = 'plain' | 'encrypted';

/** A node as the deep audit needs it, from `GET /nodes`: what the mesh keeps of it, and what placing tasks needs. */
export interface DeepNode extends Pick<FactsMeshNode, 'id' | 'hostname' | 'address' | 'role' | 'availability' | 'state'> {
  os: string;
  arch: string;
  labels: Record<string, string>;
  engineLabels: Record<string, string>;
}

const record = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries(obj(v)).map(([k, x]) => [k, str(x)]));

/** `GET /nodes` → nodes (a manager's own address from `ManagerStatus.Addr`, as the plain audit does). */
export function deepNodes(answer: unknown[]): DeepNode[] {
  return answer.map((n) => {
    const node = obj(n);
    const description = obj(node.Description);
    const spec = obj(node.Spec);
    const status = obj(node.Status);
    const managerAddr = str(obj(node.ManagerStatus).Addr);
    const m = /^\[(.*)\]:\d+$/.exec(managerAddr) ?? /^([^:]+):\d+$/.exec(managerAddr);
    const id = str(node.ID);
    return {
      id,
      hostname: str(description.Hostname) || id,
      address: m?.[1] ?? str(status.Addr),
      role: str(spec.Role) === 'manager' ? 'manager' : 'worker',
      availability: str(spec.Availability) || 'active',
      state: str(status.State) || 'unknown',
      os: str(obj(description.Platform).OS).toLowerCase() || 'linux',
      arch: str(obj(description.Platform).Architecture),
      labels: record(spec.Labels),
      engineLabels: record(obj(description.Engine).Labels),
    };
  });
}

export class ConstraintError extends Error {
  override readonly name = 'UsageError';
}

/** A placement constraint as swarm reads it (`node.labels.zone == a`): key, operator, value. */
export function parseConstraint(expression: string): { key: string; equal: boolean; value: string } {
  const m = /^\s*([A-Za-z0-9_.-]+)\s*(==|!=)\s*(\S.*?)\s*$/.exec(expression);
  if (!m) throw new ConstraintError(`--deep-constraint "${expression}": not a placement constraint (KEY==VALUE or KEY!=VALUE)`);
  const key = m[1] ?? '';
  if (!/^(node\.(id|hostname|role|platform\.os|platform\.arch)|node\.labels\..+|engine\.labels\..+)$/.test(key))
    throw new ConstraintError(
      `--deep-constraint "${expression}": unknown key ${key} (node.id, node.hostname, node.role, node.platform.os, node.platform.arch, node.labels.KEY, engine.labels.KEY)`,
    );
  return { key, equal: m[2] === '==', value: m[3] ?? '' };
}

/** Does the node meet the constraint? Compared without case, as swarmkit does. */
export function meets(node: DeepNode, expression: string): boolean {
  const { key, equal, value } = parseConstraint(expression);
  let actual: string | undefined;
  if (key === 'node.id') actual = node.id;
  else if (key === 'node.hostname') actual = node.hostname;
  else if (key === 'node.role') actual = node.role;
  else if (key === 'node.platform.os') actual = node.os;
  else if (key === 'node.platform.arch') actual = node.arch;
  else if (key.startsWith('node.labels.')) actual = node.labels[key.slice('node.labels.'.length)];
  else actual = node.engineLabels[key.slice('engine.labels.'.length)];
  const same = actual !== undefined && actual.toLowerCase() === value.toLowerCase();
  return equal ? same : !same;
}

/** Why the deep audit starts no task on a node, or undefined when it does. */
export function skipReason(node: DeepNode, constraints: readonly string[]): string | undefined {
  if (node.availability === 'drain') return 'drained (availability drain): swarm starts no tasks on it';
  if (node.availability === 'pause') return 'paused (availability pause): swarm starts no new tasks on it';
  if (node.state !== 'ready') return `${node.state} (not ready): the managers cannot reach it, so no task can start there`;
  if (node.os !== 'linux') return `not Linux (${node.os}): the probe image is a Linux image`;
  const unmet = constraints.find((c) => !meets(node, c));
  if (unmet !== undefined) return `outside --deep-constraint ${unmet}`;
  return undefined;
}

/** A task of one of the deep audit's services, from `GET /tasks`. */
export interface DeepTask {
  id: string;
  kind: FactsMeshKind;
  nodeId: string;
  state: string;
  error?: string;
  message?: string;
  /** Its addresses on overlay networks, without prefix length. */
  addresses: string[];
  /** Swarm's version index: the latest task of a node wins. */
  version: number;
}

/** `GET /tasks` (of the run's services) → tasks by kind; `kinds` maps a service ID to its kind. */
export function deepTasks(answer: unknown[], kinds: ReadonlyMap<string, FactsMeshKind>): DeepTask[] {
  const out: DeepTask[] = [];
  for (const t of answer) {
    const task = obj(t);
    const kind = kinds.get(str(task.ServiceID));
    if (!kind) continue;
    const status = obj(task.Status);
    const error = str(status.Err);
    const message = str(status.Message);
    out.push({
      id: str(task.ID),
      kind,
      nodeId: str(task.NodeID),
      state: str(status.State) || 'unknown',
      ...(error ? { error } : {}),
      ...(message ? { message } : {}),
      addresses: arr(task.NetworksAttachments).flatMap((a) =>
        arr(obj(a).Addresses)
          .map((x) => str(x).replace(/\/\d+$/, ''))
          .filter(Boolean),
      ),
      version: num(obj(task.Version).Index) ?? 0,
    });
  }
  return out;
}

/** States after which a task does nothing more. */
export const FINAL_STATES = new Set(['complete', 'failed', 'shutdown', 'rejected', 'orphaned', 'remove']);

// ---------------------------------------------------------------------------------------------------------
// The probe's result line (the contract with `swarmlint deep-probe`), read as untrusted input.
// ---------------------------------------------------------------------------------------------------------

export interface ProbeEcho extends FactsMeshEcho {
  untested?: string;
}

export interface ProbePeer {
  address: string;
  node: { id: string; hostname: string } | null;
  small: ProbeEcho | null;
  large: ProbeEcho | null;
  error?: string;
}

export interface ProbeResult {
  kind: FactsMeshKind;
  node: { id: string; hostname: string };
  self: { address: string; mtu: number } | null;
  peers: ProbePeer[];
  control: { to: string; port: number; verdict: 'open' | 'closed' | 'filtered'; error?: string }[];
  /** Host kind: the encryption-leak count (probes/deep/leak.ts). */
  leak?: { port: number; vni: number; window_ms: number; from: { address: string; packets: number }[]; untested?: string };
  notes: string[];
}

/** Longest text of a probe's that goes into the facts (an error, a note). */
const TEXT_CHARS = 300;
const short = (v: unknown): string => {
  const s = str(v).replace(/[\p{Cc}\p{Cf}]+/gu, ' ');
  return s.length > TEXT_CHARS ? `${s.slice(0, TEXT_CHARS - 1)}…` : s;
};

function echoOf(v: unknown): ProbeEcho | null {
  const e = obj(v);
  const size = num(e.size);
  if (size === undefined) return null;
  const untested = short(e.untested);
  return { size, sent: num(e.sent) ?? 0, received: num(e.received) ?? 0, ...(untested ? { untested } : {}) };
}

/** One line of a task's stdout → its result, when it is one (`"swarmlint":"deep-probe","version":1`). */
export function parseProbeResult(text: string): ProbeResult | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const r = obj(value);
  if (r.swarmlint !== 'deep-probe' || r.version !== 1) return undefined;
  const kind = str(r.kind);
  if (kind !== 'plain' && kind !== 'encrypted' && kind !== 'host') return undefined;
  const node = obj(r.node);
  const self = obj(r.self);
  const selfAddress = str(self.address);
  return {
    kind,
    node: { id: str(node.id), hostname: str(node.hostname) },
    self: selfAddress ? { address: selfAddress, mtu: num(self.mtu) ?? 0 } : null,
    peers: arr(r.peers).map((p) => {
      const peer = obj(p);
      const n = peer.node === null ? null : obj(peer.node);
      const error = short(peer.error);
      return {
        address: str(peer.address),
        node: n && str(n.id) ? { id: str(n.id), hostname: str(n.hostname) } : null,
        small: echoOf(peer.small),
        large: echoOf(peer.large),
        ...(error ? { error } : {}),
      };
    }),
    control: arr(r.control).flatMap((c) => {
      const control = obj(c);
      const verdict = str(control.verdict);
      const port = num(control.port);
      if ((verdict !== 'open' && verdict !== 'closed' && verdict !== 'filtered') || port === undefined) return [];
      const error = short(control.error);
      return [{ to: str(control.to), port, verdict, ...(error ? { error } : {}) }];
    }),
    ...leakOf(r.leak),
    notes: arr(r.notes).map(short).filter(Boolean).slice(0, 20),
  };
}

function leakOf(v: unknown): Pick<ProbeResult, 'leak'> {
  if (typeof v !== 'object' || v === null) return {};
  const l = obj(v);
  const port = num(l.port);
  const vni = num(l.vni);
  if (port === undefined || vni === undefined) return {};
  const untested = short(l.untested);
  const from = arr(l.from)
    .flatMap((x) => {
      const f = obj(x);
      const packets = num(f.packets);
      return str(f.address) && packets !== undefined && packets > 0 ? [{ address: str(f.address), packets }] : [];
    })
    .slice(0, 1000);
  return { leak: { port, vni, window_ms: num(l.window_ms) ?? 0, from, ...(untested ? { untested } : {}) } };
}

/**
 * A service's log lines → the result of each node's task. The node is the one swarm names in the line's details
 * (`com.docker.swarm.node.id`), else the one the result names. A task prints one line on stdout; should its line
 * be split (the log driver cuts lines at 16 KiB), the task's stdout is joined and read again.
 */
export function resultsFromLogs(lines: readonly LogLine[], kind: FactsMeshKind): Map<string, ProbeResult> {
  const byTask = new Map<string, { node: string; texts: string[] }>();
  for (const line of lines) {
    if (line.stream !== 'stdout') continue;
    const task = line.attrs['com.docker.swarm.task.id'] ?? '';
    const entry = byTask.get(task) ?? { node: line.attrs['com.docker.swarm.node.id'] ?? '', texts: [] };
    entry.texts.push(line.text);
    byTask.set(task, entry);
  }
  const out = new Map<string, ProbeResult>();
  for (const { node, texts } of byTask.values()) {
    const candidates = [...texts].reverse().map(parseProbeResult);
    const whole = candidates.find((r) => r?.kind === kind) ?? parseProbeResult(texts.join(''));
    // Without details, every line is in one group: each result stands for its own node.
    const results = node ? [whole] : candidates;
    for (const result of results) {
      if (result?.kind !== kind) continue;
      const id = node || result.node.id;
      if (id && !out.has(id)) out.set(id, result);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The mesh.
// ---------------------------------------------------------------------------------------------------------

export interface MeshInput {
  run: string;
  image: string;
  nodes: readonly DeepNode[];
  /** Why a node got no task (known beforehand); absent for the nodes that should run one. */
  skipped: ReadonlyMap<string, string>;
  tasks: readonly DeepTask[];
  results: ReadonlyMap<FactsMeshKind, ReadonlyMap<string, ProbeResult>>;
  networks: readonly { key: OverlayKind; name: string }[];
  /** `--deep-sample`: only the sampled pairs go into the mesh. */
  sample?: { peers: number; seed: string };
  /** The encryption-leak check the host tasks were asked for: the VNI and port, or why it was not asked for. */
  leak?: { vni: number; port: number } | { untested: string; port: number };
}

const echo = (e: ProbeEcho | null): FactsMeshEcho | null => (e ? { size: e.size, sent: e.sent, received: e.received } : null);

function verdictOf(peer: ProbePeer): Pick<FactsMeshPair, 'verdict' | 'reason'> {
  const { small, large } = peer;
  const why = peer.error ? { reason: peer.error } : {};
  if (!small || small.untested !== undefined || small.sent === 0) {
    return { verdict: 'untested', reason: small?.untested ?? peer.error ?? 'no small echoes were sent' };
  }
  if (small.received === 0) return { verdict: 'unreachable', ...why };
  if (!large || large.untested !== undefined) return { verdict: 'ok', reason: `large echoes not tried: ${large?.untested ?? 'no result'}` };
  if (large.received === 0) return { verdict: 'mtu-blackhole', ...why };
  return { verdict: 'ok' };
}

/** The latest task of each kind on each node. */
function latestTasks(tasks: readonly DeepTask[]): Map<string, DeepTask> {
  const out = new Map<string, DeepTask>();
  for (const t of tasks) {
    const key = `${t.kind}>${t.nodeId}`;
    const had = out.get(key);
    if (!had || t.version >= had.version) out.set(key, t);
  }
  return out;
}

export function buildMesh(input: MeshInput): FactsMesh {
  const latest = latestTasks(input.tasks);
  const name = new Map(input.nodes.map((n) => [n.id, n.hostname]));
  const tested = input.nodes.filter((n) => !input.skipped.has(n.id));
  const resultsOf = (kind: FactsMeshKind): ReadonlyMap<string, ProbeResult> => input.results.get(kind) ?? new Map<string, ProbeResult>();

  const nodes: FactsMeshNode[] = input.nodes.map((n) => {
    const reason = input.skipped.get(n.id);
    const tasks: Partial<Record<FactsMeshKind, FactsMeshTask>> = {};
    const notes: string[] = [];
    for (const kind of ['plain', 'encrypted', 'host'] as const) {
      const task = latest.get(`${kind}>${n.id}`);
      const result = resultsOf(kind).get(n.id);
      if (result) notes.push(...result.notes.map((x) => `${kind}: ${x}`));
      if (!task && !result) continue;
      tasks[kind] = {
        state: task?.state ?? 'unknown',
        ...(result ? { reported: true } : {}),
        ...(task?.error ? { error: task.error } : {}),
        ...(task?.message ? { message: task.message } : {}),
      };
    }
    const ran = ['plain', 'encrypted', 'host'].some((kind) => resultsOf(kind as FactsMeshKind).has(n.id));
    return {
      id: n.id,
      hostname: n.hostname,
      address: n.address,
      role: n.role,
      availability: n.availability,
      state: n.state,
      ran,
      ...(reason !== undefined ? { reason } : {}),
      tasks,
      ...(notes.length > 0 ? { notes: notes.slice(0, 20) } : {}),
    };
  });

  const sampled = input.sample
    ? sampleMap(
        input.sample.seed,
        tested.map((n) => n.id),
        input.sample.peers,
      )
    : undefined;
  const pairs: FactsMeshPair[] = [];
  for (const network of input.networks) {
    const results = resultsOf(network.key);
    const addressOwner = new Map<string, string>();
    for (const t of input.tasks) if (t.kind === network.key) for (const a of t.addresses) addressOwner.set(a, t.nodeId);
    for (const r of results.values()) if (r.self) addressOwner.set(r.self.address, r.node.id);
    for (const [id, r] of results) if (r.self) addressOwner.set(r.self.address, id);
    for (const a of tested) {
      const result = results.get(a.id);
      for (const b of tested) {
        if (a.id === b.id || (sampled && !sampled.get(a.id)?.has(b.id))) continue;
        const base = { from: a.id, to: b.id, network: network.key };
        if (!result) {
          const task = latest.get(`${network.key}>${a.id}`);
          pairs.push({
            ...base,
            verdict: 'untested',
            small: null,
            large: null,
            reason: `no result from ${a.hostname}'s task (${task ? `${task.state}${task.error ? `: ${task.error}` : ''}` : 'none was seen'})`,
          });
          continue;
        }
        const peer = result.peers.find((p) => addressOwner.get(p.address) === b.id) ?? result.peers.find((p) => p.node?.id === b.id);
        if (!peer) {
          const bTask = latest.get(`${network.key}>${b.id}`);
          const reason =
            !bTask || (FINAL_STATES.has(bTask.state) && !results.has(b.id))
              ? `${b.hostname}'s task did not run (${bTask ? bTask.state : 'none was seen'})`
              : `${a.hostname}'s task did not find ${b.hostname}'s before its deadline`;
          pairs.push({ ...base, verdict: 'untested', small: null, large: null, reason });
          continue;
        }
        pairs.push({ ...base, ...verdictOf(peer), small: echo(peer.small), large: echo(peer.large) });
      }
    }
  }

  const byAddress = new Map(input.nodes.map((n) => [n.address, n.id]));
  const control: FactsMeshControl[] = [];
  for (const [from, r] of resultsOf('host')) {
    for (const c of r.control) {
      const to = byAddress.get(c.to);
      control.push({ from, to: to ?? c.to, port: c.port, verdict: c.verdict, ...(c.error ? { error: c.error } : {}) });
    }
  }

  const leak = input.leak ? leakSection(input, input.leak, tested, byAddress) : undefined;
  return {
    run: input.run,
    image: input.image,
    ...(input.sample ? { sample: { peers: input.sample.peers, seed: input.sample.seed } } : {}),
    nodes,
    pairs,
    networks: input.networks.map((n) => {
      const mtu = [...resultsOf(n.key).values()].find((r) => r.self?.mtu)?.self?.mtu;
      return { key: n.key, name: n.name, encrypted: n.key === 'encrypted', ...(mtu ? { mtu } : {}) };
    }),
    control: control.sort((x, y) =>
      `${name.get(x.from) ?? x.from}${String(x.port)}`.localeCompare(`${name.get(y.from) ?? y.from}${String(y.port)}`),
    ),
    ...(leak ? { leak } : {}),
  };
}

/** The leak section: each tested node's count (by sender node), or why it has none. */
function leakSection(
  input: MeshInput,
  asked: NonNullable<MeshInput['leak']>,
  tested: readonly DeepNode[],
  byAddress: ReadonlyMap<string, string>,
): FactsMeshLeak {
  if ('untested' in asked) return { network: 'encrypted', port: asked.port, untested: asked.untested, nodes: [] };
  const results = input.results.get('host') ?? new Map<string, ProbeResult>();
  const nodes = tested.map((n) => {
    const r = results.get(n.id);
    const base = { node: n.id, window_ms: r?.leak?.window_ms ?? 0, from: [] };
    if (!r) return { ...base, untested: `no result from ${n.hostname}'s host task` };
    if (!r.leak) return { ...base, untested: `${n.hostname}'s host task reported no count (it ended before its deadline)` };
    if (r.leak.untested) return { ...base, untested: r.leak.untested };
    if (r.leak.vni !== asked.vni || r.leak.port !== asked.port)
      return {
        ...base,
        untested: `${n.hostname}'s host task counted VNI ${String(r.leak.vni)} on ${String(r.leak.port)}, not the one asked`,
      };
    return { ...base, from: r.leak.from.map((f) => ({ from: byAddress.get(f.address) ?? f.address, packets: f.packets })) };
  });
  return { network: 'encrypted', vni: asked.vni, port: asked.port, nodes };
}
