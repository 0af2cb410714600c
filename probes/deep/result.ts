/**
 * The deep probe's result (one JSON line on stdout, the contract with `audit --deep`) and the pure decisions behind
 * it: option checking, echo sizes, summing up echo rounds, hello messages, TCP verdicts, the time budget.
 * No I/O here: probes/deep/run.ts does the sockets, DNS and ICMP.
 */
import { isIPv4 } from 'node:net';
import { DEFAULT_DATA_PATH_PORT, type LeakResult } from './leak.js';
import { samplePeers, SEED_PATTERN } from './sample.js';

export type DeepKind = 'plain' | 'encrypted' | 'host';
export const DEEP_KINDS: readonly DeepKind[] = ['plain', 'encrypted', 'host'];

export interface NodeRef {
  id: string;
  hostname: string;
}

/** One size of DF echoes to one peer. `size` is the IP packet's size in bytes (20-byte header + 8 ICMP + payload). */
export interface EchoCounts {
  size: number;
  /** Echoes the kernel let out (one refused locally with "Message too long" was not sent). */
  sent: number;
  /** Echo replies of that exact identifier and sequence. */
  received: number;
  /** Rounds of echoes tried before this one counted (small echoes are retried while the peer may still be starting). */
  rounds?: number;
  /** Set when these echoes were not tried at all, and why (the verdict is then "untested", never a pass). */
  untested?: string;
}

export interface PeerResult {
  address: string;
  /** Learned by the hello exchange; null when it failed (the orchestrator maps the address with the task list). */
  node: NodeRef | null;
  small: EchoCounts;
  large: EchoCounts;
  error?: string;
}

export interface ControlResult {
  to: string;
  port: number;
  verdict: 'open' | 'closed' | 'filtered';
  error?: string;
}

export interface DeepProbeResult {
  swarmlint: 'deep-probe';
  version: 1;
  run: string;
  kind: DeepKind;
  node: NodeRef;
  self: { address: string; mtu: number } | null;
  peers: PeerResult[];
  control: ControlResult[];
  /** Host kind with `--leak-vni`: plaintext VXLAN of the encrypted overlay's VNI received here (probes/deep/leak.ts). */
  leak?: LeakResult;
  notes: string[];
  elapsed_ms: number;
}

export interface DeepProbeOptions {
  run: string;
  kind: DeepKind;
  /** Its own service: peers are `tasks.<service>`. Not used by the host kind. */
  service: string;
  /** Tasks expected in `tasks.<service>`, itself included. */
  expect: number;
  /** One overall deadline, in ms from the start: the result is printed before it. */
  deadlineMs: number;
  /**
   * Overlay kinds: how much longer than usual it may wait for the expected tasks to appear in DNS (their nodes
   * start them at different times: a slow pull, a busy node). When it used that time, the deadline counts from the
   * moment they had all appeared (or the wait ended), so that a task started late still finds the early ones up.
   * 0: no more than within the deadline.
   */
  startWaitMs: number;
  /** Overlay MTU to test (default: the MTU of the interface holding its own overlay address). */
  mtu?: number;
  managers: string[];
  nodes: string[];
  node: NodeRef;
  /**
   * `--sample K --seed S --ids A,B,...`: test only the K peers {@link samplePeers} picks for this node among `ids`
   * (the tested nodes' IDs; for the host kind in the order of `nodes`).
   */
  sample?: { peers: number; seed: string; ids: string[] };
  /**
   * `--leak-vni N [--leak-port P]` (host kind): count inbound UDP to port P (the data-path port) whose VXLAN header
   * carries VNI N (the encrypted overlay's) until the deadline.
   */
  leak?: { vni: number; port: number };
}

/** ICMP payload of the small echo (the contract: 64 bytes), and IPv4 + ICMP header bytes. */
export const SMALL_PAYLOAD = 64;
export const ICMP_OVERHEAD = 28;
export const SMALL_SIZE = SMALL_PAYLOAD + ICMP_OVERHEAD;
export const ECHOES_PER_ROUND = 3;
/** Port of swarm's raft (managers only) and of its gossip (every node). */
export const SWARM_PORTS = { manager: 2377, gossip: 7946 } as const;

const MIN_DEADLINE_S = 5;
const MAX_DEADLINE_S = 3600;

export class ProbeUsageError extends Error {
  override readonly name = 'UsageError';
}

function addressList(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  const items = (Array.isArray(value) ? value : [value])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  for (const item of items) if (!isIPv4(item)) throw new ProbeUsageError(`--${name}: "${item}" is not an IPv4 address`);
  return [...new Set(items)];
}

function integer(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ProbeUsageError(`--${name} takes one value`);
  const text = value;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw new ProbeUsageError(`--${name} must be an integer from ${min} to ${max}, not "${text}"`);
  return Number(text);
}

/**
 * Where the node's identity comes from when no option gives it: swarm expands templates (`{{.Node.ID}}`) in a
 * task's Env and Hostname, never in its Args, so the orchestrator passes them in these variables.
 */
export const ENV_FALLBACK = { 'node-id': 'SWARMLINT_NODE_ID', hostname: 'SWARMLINT_NODE_HOSTNAME', run: 'SWARMLINT_DEEP_RUN' } as const;

/** The options of `swarmlint deep-probe`, checked. Throws {@link ProbeUsageError} naming the option. */
export function deepProbeOptions(values: Record<string, unknown>, env: Record<string, string | undefined> = {}): DeepProbeOptions {
  const text = (name: string): string | undefined => {
    const v = values[name];
    // An unexpanded template (given in Args) is no value.
    if (typeof v === 'string' && v !== '' && !v.includes('{{')) return v;
    const variable = ENV_FALLBACK[name as keyof typeof ENV_FALLBACK] as string | undefined;
    const fallback = variable ? env[variable] : undefined;
    return fallback && !fallback.includes('{{') ? fallback : undefined;
  };
  const kind = text('kind');
  if (!kind || !(DEEP_KINDS as readonly string[]).includes(kind))
    throw new ProbeUsageError(`--kind must be one of ${DEEP_KINDS.join(', ')}${kind ? `, not "${kind}"` : ''}`);
  const service = text('service') ?? '';
  if (kind !== 'host' && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(service))
    throw new ProbeUsageError('--service NAME is required (its own service name; peers are tasks.NAME)');
  const deadline = integer(values.deadline, 'deadline', MIN_DEADLINE_S, MAX_DEADLINE_S) ?? 60;
  const startWait = integer(values['start-wait'], 'start-wait', 0, MAX_DEADLINE_S) ?? 0;
  const mtu = integer(values.mtu, 'mtu', 576, 65_535);
  const nodes = addressList(values.nodes, 'nodes');
  const sample = sampleOption(values, kind, nodes);
  const leakVni = integer(values['leak-vni'], 'leak-vni', 1, 2 ** 24 - 1);
  const leakPort = integer(values['leak-port'], 'leak-port', 1, 65_535);
  if (leakVni !== undefined && kind !== 'host') throw new ProbeUsageError('--leak-vni is for the host kind');
  if (leakPort !== undefined && leakVni === undefined) throw new ProbeUsageError('--leak-port needs --leak-vni');
  return {
    run: text('run') ?? '',
    kind: kind as DeepKind,
    service,
    expect: integer(values.expect, 'expect', 1, 10_000) ?? 1,
    deadlineMs: deadline * 1000,
    startWaitMs: kind === 'host' ? 0 : startWait * 1000,
    ...(mtu !== undefined ? { mtu } : {}),
    managers: addressList(values.managers, 'managers'),
    nodes,
    node: { id: text('node-id') ?? '', hostname: text('hostname') ?? '' },
    ...(sample ? { sample } : {}),
    ...(leakVni !== undefined ? { leak: { vni: leakVni, port: leakPort ?? DEFAULT_DATA_PATH_PORT } } : {}),
  };
}

function sampleOption(values: Record<string, unknown>, kind: string, nodes: readonly string[]): DeepProbeOptions['sample'] {
  const peers = integer(values.sample, 'sample', 1, 10_000);
  const given = ['seed', 'ids'].filter((k) => values[k] !== undefined);
  if (peers === undefined) {
    if (given.length > 0) throw new ProbeUsageError(`--${given[0] ?? ''} needs --sample`);
    return undefined;
  }
  const seed = values.seed;
  if (typeof seed !== 'string' || !SEED_PATTERN.test(seed))
    throw new ProbeUsageError('--sample needs --seed (letters, digits, -_., at most 64)');
  const ids = (Array.isArray(values.ids) ? values.ids : [values.ids])
    .filter((v) => v !== undefined)
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new ProbeUsageError("--sample needs --ids (the tested nodes' IDs)");
  if (kind === 'host' && ids.length !== nodes.length)
    throw new ProbeUsageError(`--ids names ${ids.length} node(s) and --nodes ${nodes.length}: the host kind needs one ID per address`);
  return { peers, seed, ids };
}

/** Echo counts of one round: sent = not refused locally and not cut short by the deadline, received = answered. */
export type EchoOutcome =
  | { ok: true }
  /** `stopped`: cut short by the deadline (neither sent nor lost). */
  | { ok: false; reason: 'timeout' | 'too-big' | 'unreachable' | 'error' | 'stopped'; message: string };

const LOCALLY_REFUSED = /message too long|EMSGSIZE/i;

export function countRound(size: number, outcomes: readonly EchoOutcome[]): { counts: EchoCounts; errors: string[] } {
  let sent = 0;
  let received = 0;
  const errors = new Set<string>();
  for (const outcome of outcomes) {
    if (outcome.ok) {
      sent++;
      received++;
      continue;
    }
    if (outcome.reason === 'stopped') continue;
    if (!LOCALLY_REFUSED.test(outcome.message)) sent++;
    if (outcome.reason !== 'timeout') errors.add(outcome.message);
  }
  return { counts: { size, sent, received }, errors: [...errors] };
}

/** The error line of a peer: what went wrong with its echoes, the large ones explained by size. */
export function peerError(
  small: { counts: EchoCounts; errors: string[] },
  large: { counts: EchoCounts; errors: string[] },
): string | undefined {
  const parts: string[] = [];
  if (small.counts.received === 0)
    parts.push(`no answer to ${small.counts.size}-byte echoes${small.errors.length ? ` (${small.errors.join('; ')})` : ''}`);
  if (large.counts.untested === undefined && large.counts.received === 0 && small.counts.received > 0)
    parts.push(
      `no answer to ${large.counts.size}-byte DF echoes while ${small.counts.size}-byte ones pass${large.errors.length ? ` (${large.errors.join('; ')})` : ''}`,
    );
  return parts.length ? parts.join('; ') : undefined;
}

/** The hello line: `{"id","hostname"}` plus, from a peer that has finished, `"done":true`. Bounded and checked. */
export interface Hello extends NodeRef {
  done?: boolean;
}

export const HELLO_MAX_BYTES = 1024;

export function encodeHello(hello: Hello): string {
  return `${JSON.stringify({ id: hello.id, hostname: hello.hostname, ...(hello.done ? { done: true } : {}) })}\n`;
}

export function parseHello(text: string): Hello | undefined {
  if (text.length > HELLO_MAX_BYTES) return undefined;
  const line = text.split('\n')[0] ?? '';
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, hostname, done } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof hostname !== 'string' || id.length > 128 || hostname.length > 255) return undefined;
  return { id, hostname, ...(done === true ? { done: true } : {}) };
}

/** A TCP connect's verdict: accepted = open, refused (RST) = closed, no answer or an ICMP error = filtered. */
export type ConnectRaw =
  { kind: 'connected' } | { kind: 'refused' } | { kind: 'timeout' } | { kind: 'error'; code: string; message: string };

export function connectVerdict(raw: ConnectRaw, to: string, port: number, timeoutMs: number): ControlResult {
  switch (raw.kind) {
    case 'connected':
      return { to, port, verdict: 'open' };
    case 'refused':
      return { to, port, verdict: 'closed', error: 'connection refused' };
    case 'timeout':
      return { to, port, verdict: 'filtered', error: `no answer within ${timeoutMs} ms` };
    case 'error':
      return { to, port, verdict: 'filtered', error: `${raw.code}: ${raw.message}` };
  }
}

/**
 * The control-plane checks of the host kind: 2377 to every manager, 7946 to every node (with `--sample`, to the
 * nodes sampled for this one), none to itself.
 */
export function controlTargets(
  options: Pick<DeepProbeOptions, 'managers' | 'nodes' | 'sample'> & { node?: NodeRef },
  own: ReadonlySet<string>,
): { to: string; port: number }[] {
  const targets: { to: string; port: number }[] = [];
  for (const to of options.managers) if (!own.has(to)) targets.push({ to, port: SWARM_PORTS.manager });
  const { sample } = options;
  const self = options.node?.id;
  const picked = sample && self ? new Set(samplePeers(sample.seed, self, sample.ids, sample.peers)) : undefined;
  options.nodes.forEach((to, i) => {
    if (own.has(to)) return;
    if (picked && !picked.has(sample?.ids[i] ?? '')) return;
    targets.push({ to, port: SWARM_PORTS.gossip });
  });
  return targets;
}

/**
 * Its own overlay address: the one of `tasks.<service>` that a local interface holds, with that interface. Only
 * addresses of the service count, so docker_gwbridge's (eth1) never passes for the overlay.
 */
export function ownAddress(
  dns: readonly string[],
  interfaces: Readonly<Record<string, readonly { address: string; family: string | number }[] | undefined>>,
): { address: string; ifname: string } | undefined {
  for (const [ifname, addresses] of Object.entries(interfaces).sort(([a], [b]) => a.localeCompare(b)))
    for (const a of addresses ?? [])
      if ((a.family === 'IPv4' || a.family === 4) && dns.includes(a.address)) return { address: a.address, ifname };
  return undefined;
}

/**
 * How the deadline is spent. The result goes out `printMarginMs` before the deadline; probing one peer takes at most
 * hello + two rounds of echoes, so waiting for peers stops `probeReserveMs` before that; what is left after probing
 * is spent serving the hello (and answering echoes) to peers that started later, until every peer said it is done.
 */
export interface Budget {
  /** When to stop waiting for `--expect` tasks in DNS. */
  waitUntil: number;
  /** When probing must end. */
  probeUntil: number;
  /** When the result is printed at the latest. */
  printAt: number;
}

export function budget(start: number, deadlineMs: number, echoTimeoutMs: number): Budget {
  const printMarginMs = Math.min(1500, deadlineMs * 0.1);
  const printAt = start + deadlineMs - printMarginMs;
  const probeReserveMs = Math.min(2 * ECHOES_PER_ROUND * echoTimeoutMs + 2000, (deadlineMs - printMarginMs) / 2);
  return { waitUntil: printAt - probeReserveMs, probeUntil: printAt - 200, printAt };
}

/** Sorted, unique, IPv4 only: what `tasks.<service>` answered. */
export function peerAddresses(answers: readonly string[]): string[] {
  return [...new Set(answers.filter((a) => isIPv4(a)))].sort((a, b) => compareIPv4(a, b));
}

export function compareIPv4(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
