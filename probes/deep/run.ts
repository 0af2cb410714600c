/**
 * The deep probe, run inside one task of a deep-audit service (on an overlay, or on the host network for the host
 * kind). It finds its peers in `tasks.<service>` DNS, learns their node by a hello over TCP, sends DF-set echoes of
 * a small and of the overlay MTU's size to each, and stays up (answering hellos and echoes) until every peer said it
 * is done or the deadline comes. The host kind only connects to 2377 (managers) and 7946 (every node).
 *
 * Everything has a timeout and listens to one AbortSignal that fires at the deadline; the outside world comes in
 * through {@link DeepProbeIo}, so that the decisions can be tested without a swarm.
 */
import { promises as dnsPromises } from 'node:dns';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { dfAvailable, dfPing } from '../adapters/ping.js';
import { openRawUdp } from '../adapters/raw-udp.js';
import { tcpCheck } from '../paths/transport.js';
import { HELLO_PORT } from './image.js';
import { LeakCounter } from './leak.js';
import { samplePeers } from './sample.js';
import {
  budget,
  connectVerdict,
  controlTargets,
  countRound,
  ECHOES_PER_ROUND,
  encodeHello,
  HELLO_MAX_BYTES,
  ownAddress,
  parseHello,
  peerAddresses,
  peerError,
  SMALL_SIZE,
  type ConnectRaw,
  type DeepProbeOptions,
  type DeepProbeResult,
  type EchoCounts,
  type EchoOutcome,
  type Hello,
  type NodeRef,
  type PeerResult,
} from './result.js';

export interface DeepProbeIo {
  now(): number;
  /** `tasks.<service>` (A records). */
  resolve(name: string): Promise<string[]>;
  interfaces(): Record<string, { address: string; family: string | number }[] | undefined>;
  /** An interface's MTU, or undefined when it cannot be read. */
  mtuOf(ifname: string): number | undefined;
  dfAvailable(): { ok: true } | { ok: false; reason: string };
  /** One echo of an IP packet of `size` bytes, DF set when `df`. */
  ping(target: string, size: number, df: boolean, timeoutMs: number, signal: AbortSignal): Promise<EchoOutcome>;
  connect(address: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<ConnectRaw>;
  /**
   * A raw IPPROTO_UDP socket that hands every inbound IPv4 UDP packet (IP header included) to `onPacket`; the reason
   * when it cannot be opened. Absent: the leak check is untested.
   */
  rawUdp?(onPacket: (packet: Uint8Array) => void): { ok: true; close: () => void } | { ok: false; reason: string };
  helloPort: number;
  /** Where the hello server listens (0.0.0.0 in a task; 127.0.0.1 in tests). */
  helloHost: string;
  log(line: string): void;
}

export const ECHO_TIMEOUT_MS = 1000;
const DNS_INTERVAL_MS = 1000;
const HELLO_TIMEOUT_MS = 1000;
const RETRY_INTERVAL_MS = 500;
/** How long failing peers are retried from the start of probing (a task may have just started; gossip may lag DNS). */
const SMALL_RETRY_MS = 10_000;
const CONNECT_TIMEOUT_MS = 3000;
/** Peers probed at once (each takes up to three raw ICMP sockets at a time). */
const PARALLEL_PEERS = 32;

export function systemIo(): DeepProbeIo {
  const resolver = new dnsPromises.Resolver({ timeout: 1000, tries: 1 });
  return {
    now: () => Date.now(),
    resolve: (name) => resolver.resolve4(name),
    interfaces: () => os.networkInterfaces(),
    mtuOf: (ifname) => {
      if (!/^[\w.@-]{1,15}$/.test(ifname)) return undefined;
      try {
        const mtu = Number(readFileSync(`/sys/class/net/${ifname}/mtu`, 'utf8').trim());
        return Number.isInteger(mtu) && mtu > 0 ? mtu : undefined;
      } catch {
        return undefined;
      }
    },
    dfAvailable: () => dfAvailable(4),
    ping: async (target, size, df, timeoutMs, signal) => {
      const outcome = await dfPing({ target, family: 4, size, timeoutMs, signal, df });
      if (outcome.ok) return { ok: true };
      // dfPing answers an abort as a timeout: here it is an echo cut short, not one lost.
      return signal.aborted && outcome.reason === 'timeout' ? { ok: false, reason: 'stopped', message: outcome.message } : outcome;
    },
    connect: async (address, port, timeoutMs, signal) => {
      const raw = await tcpCheck({ address, port, family: 4, timeoutMs, signal });
      return raw.kind === 'connected' ? { kind: 'connected' } : raw.kind === 'refused' ? { kind: 'refused' } : raw;
    },
    rawUdp: (onPacket) => openRawUdp(onPacket),
    helloPort: HELLO_PORT,
    helloHost: '0.0.0.0',
    log: (line) => process.stderr.write(`deep-probe: ${line}\n`),
  };
}

export function emptyResult(options: DeepProbeOptions): DeepProbeResult {
  return {
    swarmlint: 'deep-probe',
    version: 1,
    run: options.run,
    kind: options.kind,
    node: options.node,
    self: null,
    peers: [],
    control: [],
    notes: [],
    elapsed_ms: 0,
  };
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted || ms <= 0) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** Runs `work` over `items`, at most `limit` at once. */
async function parallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

// ---- hello ----------------------------------------------------------------------------------------------------

export interface HelloServer {
  /** Peers (node ids) that said they are done. */
  readonly doneFrom: Set<string>;
  close(): Promise<void>;
}

/** Answers every hello with this node's id and hostname; remembers the peers that said they are done. */
export function startHelloServer(io: DeepProbeIo, self: NodeRef, onDone: () => void): Promise<HelloServer> {
  const doneFrom = new Set<string>();
  const server = net.createServer((socket) => {
    let data = '';
    socket.setTimeout(HELLO_TIMEOUT_MS * 2, () => socket.destroy());
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('utf8');
      if (data.length > HELLO_MAX_BYTES) {
        socket.destroy();
        return;
      }
      if (!data.includes('\n')) return;
      const hello = parseHello(data);
      socket.end(encodeHello(self));
      if (hello?.done) {
        // By node id (one task per node in a global service); by address when the peer did not say its id.
        doneFrom.add(hello.id || `address ${socket.remoteAddress ?? '?'}`);
        onDone();
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(io.helloPort, io.helloHost, () => {
      server.off('error', reject);
      resolve({
        doneFrom,
        close: () =>
          new Promise<void>((closed) => {
            server.close(() => {
              closed();
            });
          }),
      });
    });
  });
}

/** One hello to a peer: its node, or an error message. */
export function sayHello(io: DeepProbeIo, address: string, self: Hello, signal: AbortSignal): Promise<NodeRef | string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port: io.helloPort });
    let data = '';
    let settled = false;
    const finish = (value: NodeRef | string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(value);
    };
    const onAbort = (): void => {
      finish('stopped at the deadline');
    };
    const timer = setTimeout(() => {
      finish(`no hello answer within ${HELLO_TIMEOUT_MS} ms`);
    }, HELLO_TIMEOUT_MS);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    socket.on('connect', () => socket.write(encodeHello(self)));
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('utf8');
      if (data.length > HELLO_MAX_BYTES) finish('hello answer too long');
      else if (data.includes('\n')) {
        const hello = parseHello(data);
        finish(hello ? { id: hello.id, hostname: hello.hostname } : 'hello answer is not {"id","hostname"}');
      }
    });
    socket.on('end', () => {
      finish('hello connection closed without an answer');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      finish(`hello: ${error.code ?? error.message}`);
    });
  });
}

/** Hellos until one is answered or `until`. */
async function helloUntil(io: DeepProbeIo, address: string, self: Hello, until: number, signal: AbortSignal): Promise<NodeRef | string> {
  let last: NodeRef | string;
  do {
    const tried = io.now();
    last = await sayHello(io, address, self, signal);
    if (typeof last !== 'string') return last;
    await sleep(Math.min(RETRY_INTERVAL_MS - (io.now() - tried), until - io.now()), signal);
  } while (io.now() + HELLO_TIMEOUT_MS <= until && !signal.aborted);
  return last;
}

// ---- echoes ---------------------------------------------------------------------------------------------------

async function echoRound(
  io: DeepProbeIo,
  target: string,
  size: number,
  df: boolean,
  signal: AbortSignal,
): Promise<{ counts: EchoCounts; errors: string[] }> {
  const outcomes = await Promise.all(Array.from({ length: ECHOES_PER_ROUND }, () => io.ping(target, size, df, ECHO_TIMEOUT_MS, signal)));
  return countRound(size, outcomes);
}

interface PeerPlan {
  self: NodeRef;
  mtu: number | undefined;
  df: { ok: true } | { ok: false; reason: string };
  probeUntil: number;
  /** Until when failing peers are retried (a window from the start of probing, shared by all peers). */
  retryUntil: number;
}

export async function probePeer(
  io: DeepProbeIo,
  address: string,
  plan: PeerPlan,
  signal: AbortSignal,
  /** The peer's hello, when it was said before (`--sample`): not said again. */
  known?: NodeRef | string,
): Promise<PeerResult> {
  const untested = (size: number, why: string): { counts: EchoCounts; errors: string[] } => ({
    counts: { size, sent: 0, received: 0, untested: why },
    errors: [],
  });
  const largeSize = plan.mtu ?? 0;
  /** A function, not the property: the deadline comes while this awaits. */
  const stopped = (): boolean => signal.aborted;
  if (stopped() || io.now() + ECHO_TIMEOUT_MS > plan.probeUntil) {
    const why = 'the deadline came before this peer was probed';
    return {
      address,
      node: null,
      small: untested(SMALL_SIZE, why).counts,
      large: untested(largeSize, why).counts,
      error: `small echoes untested: ${why}`,
    };
  }
  // Retries (small echoes, hellos) only within the window shared by all peers, so that many failing peers cannot
  // spend the deadline; past it a peer gets one round of each.
  const retryUntil = Math.min(plan.retryUntil, plan.probeUntil - 2 * ECHO_TIMEOUT_MS);
  const hello =
    known ?? helloUntil(io, address, plan.self, Math.min(plan.probeUntil, Math.max(retryUntil, io.now() + HELLO_TIMEOUT_MS)), signal);
  let small = await echoRound(io, address, SMALL_SIZE, plan.df.ok, signal);
  let rounds = 1;
  while (small.counts.received === 0 && !stopped() && io.now() + RETRY_INTERVAL_MS + ECHO_TIMEOUT_MS <= retryUntil) {
    await sleep(RETRY_INTERVAL_MS, signal);
    small = await echoRound(io, address, SMALL_SIZE, plan.df.ok, signal);
    rounds++;
  }
  if (rounds > 1) small.counts.rounds = rounds;
  // Echoes cut short by the deadline count neither as sent nor as lost: a round with none left is untested.
  if (small.counts.sent === 0 && small.counts.received === 0 && stopped()) small = untested(SMALL_SIZE, 'stopped at the deadline');
  let large: { counts: EchoCounts; errors: string[] };
  if (plan.mtu === undefined) large = untested(0, 'the overlay MTU is unknown (no --mtu and no own overlay interface)');
  else if (!plan.df.ok) large = untested(plan.mtu, plan.df.reason);
  else if (stopped() || io.now() + ECHO_TIMEOUT_MS > plan.probeUntil) large = untested(plan.mtu, 'no time left before the deadline');
  else {
    large = await echoRound(io, address, plan.mtu, true, signal);
    if (large.counts.sent === 0 && large.counts.received === 0 && stopped()) large = untested(plan.mtu, 'stopped at the deadline');
  }
  const node = await hello;
  const error = small.counts.untested === undefined ? peerError(small, large) : `small echoes untested: ${small.counts.untested}`;
  const helloError = typeof node === 'string' ? node : undefined;
  const errorText = [error, helloError && small.counts.received > 0 ? `hello failed (${helloError})` : undefined]
    .filter(Boolean)
    .join('; ');
  return {
    address,
    node: typeof node === 'string' ? null : node,
    small: small.counts,
    large: large.counts,
    ...(errorText ? { error: errorText } : {}),
  };
}

// ---- the run --------------------------------------------------------------------------------------------------

/**
 * Probes, filling `result` as it goes (so that a watchdog can print what is known), and resolves when it is
 * complete. Never rejects; stops at `signal` (SIGTERM) or the deadline.
 */
export async function runDeepProbe(
  options: DeepProbeOptions,
  io: DeepProbeIo,
  result: DeepProbeResult,
  outer?: AbortSignal,
): Promise<DeepProbeResult> {
  const start = io.now();
  const plan = budget(start, options.deadlineMs, ECHO_TIMEOUT_MS);
  const controller = new AbortController();
  const signal = controller.signal;
  const stop = (): void => {
    controller.abort();
  };
  // With a start wait, the latest the deadline can come; overlayChecks sets it once the wait for DNS is over.
  let deadlineTimer = setTimeout(stop, plan.printAt + options.startWaitMs - start);
  /**
   * The plan again from `from` (absent: as first planned), and the deadline timer with it. It starts no later than
   * the start wait after the start, so that the result is out before the watchdog's end (the start wait plus the
   * deadline); a wait that ran longer leaves less time to probe, as the plan's own wait does.
   */
  const restart = (from = start): ReturnType<typeof budget> => {
    clearTimeout(deadlineTimer);
    const shifted = budget(Math.min(from, start + options.startWaitMs), options.deadlineMs, ECHO_TIMEOUT_MS);
    deadlineTimer = setTimeout(stop, Math.max(0, shifted.printAt - io.now()));
    return shifted;
  };
  outer?.addEventListener('abort', stop, { once: true });
  try {
    if (options.kind === 'host') {
      const leak = options.leak ? startLeakCount(options.leak, io, result) : undefined;
      try {
        await controlChecks(options, io, result, signal);
        // The leak count listens until the deadline: the encrypted overlay's tasks echo within theirs.
        if (leak) await sleep(plan.printAt - io.now(), signal);
      } finally {
        leak?.stop();
      }
    } else await overlayChecks(options, io, result, plan, restart, signal, outer);
    if (outer?.aborted) result.notes.push('stopped by a signal before the end');
  } catch (error) {
    result.notes.push(`internal error: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(deadlineTimer);
    outer?.removeEventListener('abort', stop);
  }
  result.elapsed_ms = io.now() - start;
  return result;
}

/**
 * Starts counting plaintext VXLAN of the encrypted VNI (probes/deep/leak.ts) into `result.leak`; `stop` closes the
 * socket and writes the counts. A socket that cannot open leaves the check untested, with a note.
 */
function startLeakCount(leak: { vni: number; port: number }, io: DeepProbeIo, result: DeepProbeResult): { stop(): void } {
  const counter = new LeakCounter(leak.port, leak.vni);
  const opened = io.rawUdp ? io.rawUdp((packet) => counter.add(packet)) : ({ ok: false, reason: 'no raw UDP socket here' } as const);
  const start = io.now();
  if (!opened.ok) {
    result.leak = { port: leak.port, vni: leak.vni, window_ms: 0, from: [], untested: opened.reason };
    result.notes.push(`encryption-leak check untested: ${opened.reason}`);
    return { stop: () => undefined };
  }
  let stopped = false;
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      opened.close();
      result.leak = { port: leak.port, vni: leak.vni, window_ms: io.now() - start, from: counter.from() };
    },
  };
}

async function controlChecks(options: DeepProbeOptions, io: DeepProbeIo, result: DeepProbeResult, signal: AbortSignal): Promise<void> {
  const own = new Set(
    Object.values(io.interfaces())
      .flatMap((list) => list ?? [])
      .map((a) => a.address),
  );
  const targets = controlTargets(options, own);
  if (targets.length === 0) result.notes.push('no control-plane target (no --managers or --nodes other than this host)');
  const found: DeepProbeResult['control'] = [];
  await parallel(targets, 16, async ({ to, port }) => {
    found.push(connectVerdict(await io.connect(to, port, CONNECT_TIMEOUT_MS, signal), to, port, CONNECT_TIMEOUT_MS));
  });
  const order = (c: { to: string; port: number }): string => `${String(c.port).padStart(5, '0')} ${c.to}`;
  result.control.push(...found.sort((a, b) => order(a).localeCompare(order(b))));
}

async function overlayChecks(
  options: DeepProbeOptions,
  io: DeepProbeIo,
  result: DeepProbeResult,
  initial: ReturnType<typeof budget>,
  restart: (from?: number) => ReturnType<typeof budget>,
  signal: AbortSignal,
  outer?: AbortSignal,
): Promise<void> {
  let plan = initial;
  const name = `tasks.${options.service}`;
  let lingering: (() => void) | undefined;
  let server: HelloServer | undefined;
  try {
    server = await startHelloServer(io, options.node, () => lingering?.());
  } catch (error) {
    result.notes.push(`hello server on TCP ${io.helloPort} could not start (${(error as Error).message}): peers cannot learn this node`);
  }
  try {
    // 1. Wait for the expected tasks in DNS.
    let addresses: string[] = [];
    let dnsError = '';
    for (;;) {
      try {
        addresses = peerAddresses(await io.resolve(name));
        dnsError = '';
      } catch (error) {
        dnsError = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      }
      if (addresses.length >= options.expect || signal.aborted || io.now() + DNS_INTERVAL_MS > plan.waitUntil + options.startWaitMs) break;
      await sleep(DNS_INTERVAL_MS, signal);
    }
    // Waited into the start wait: the deadline counts from the end of the wait, so that the tasks that appeared
    // late find this one still up; otherwise it stays where it was.
    const now = io.now();
    const shifted = options.startWaitMs > 0 && now > initial.waitUntil;
    plan = shifted ? restart(now) : restart();
    if (shifted)
      result.notes.push(
        `waited ${String(Math.round((now - initial.waitUntil) / 1000))} s longer than usual for the tasks to appear in DNS: the deadline counts from then`,
      );
    if (addresses.length < options.expect)
      result.notes.push(
        `${name} listed ${addresses.length} of ${options.expect} expected task(s) when waiting ended${dnsError ? ` (last DNS error: ${dnsError})` : ''}: the others are untested from here`,
      );
    const own = ownAddress(addresses, io.interfaces());
    const mtu = options.mtu ?? (own ? io.mtuOf(own.ifname) : undefined);
    if (own) result.self = { address: own.address, mtu: mtu ?? 0 };
    else result.notes.push(`no local interface holds an address of ${name}: own address unknown`);
    if (options.mtu === undefined && own && mtu === undefined) result.notes.push(`MTU of ${own.ifname} unreadable: large echoes untested`);
    const df = io.dfAvailable();
    if (!df.ok) result.notes.push(`${df.reason}: large echoes untested (a fragmented echo would prove nothing about the MTU)`);

    // 2. Probe every peer (with --sample, those sampled for this node, and those whose node is unknown).
    const peers = addresses.filter((a) => a !== own?.address);
    const peerPlan: PeerPlan = { self: options.node, mtu, df, probeUntil: plan.probeUntil, retryUntil: io.now() + SMALL_RETRY_MS };
    const { sample } = options;
    if (sample && !options.node.id) result.notes.push("--sample without this node's ID: every peer tested");
    const picked = sample && options.node.id ? new Set(samplePeers(sample.seed, options.node.id, sample.ids, sample.peers)) : undefined;
    // With a sample, a hello first names the peer's node; one whose hello fails is probed all the same (the
    // orchestrator knows its node from the task list, and a failing peer is what the audit looks for). Hellos retry
    // within the window of the echoes' retries, leaving time for a round of each.
    const helloUntilAt = Math.min(peerPlan.retryUntil, plan.probeUntil - 2 * ECHO_TIMEOUT_MS - HELLO_TIMEOUT_MS);
    await parallel(peers, PARALLEL_PEERS, async (address) => {
      let known: NodeRef | string | undefined;
      if (picked) {
        known = await helloUntil(io, address, options.node, helloUntilAt, signal);
        if (typeof known !== 'string' && !picked.has(known.id)) return;
      }
      result.peers.push(await probePeer(io, address, peerPlan, signal, known));
    });
    result.peers.sort((a, b) => peers.indexOf(a.address) - peers.indexOf(b.address));

    // 3. Stay up for the peers still probing this task: tell each we are done, wait for theirs.
    if (server) {
      const others = Math.max(options.expect - 1, peers.length);
      const told = Promise.all(peers.map((address) => helloUntil(io, address, { ...options.node, done: true }, plan.printAt, signal)));
      const { doneFrom } = server;
      const allDone = new Promise<void>((resolve) => {
        lingering = () => {
          if (doneFrom.size >= others) resolve();
        };
        lingering();
        if (signal.aborted) resolve();
        else
          signal.addEventListener('abort', () => {
            resolve();
          });
      });
      await Promise.all([told, allDone]);
      // With a start wait, a peer that answered but has not said it is done may be one that found this task late
      // (its DNS lagged, or it started late): stay up for it until the latest end the start wait allows, so that it
      // does not find this task gone and call the pair unreachable. A peer that never answered is not waited for.
      const saidDone = (p: PeerResult): boolean => (p.node?.id ? doneFrom.has(p.node.id) : false) || doneFrom.has(`address ${p.address}`);
      // Once as many peers as expected said they are done, no one is waited for (a peer whose hello failed is
      // known here by address only, and its "done" by node).
      const waitingFor = (): PeerResult[] =>
        doneFrom.size >= others ? [] : result.peers.filter((p) => p.small.received > 0 && !saidDone(p));
      const latest = initial.printAt + options.startWaitMs;
      if (options.startWaitMs > 0 && !outer?.aborted && waitingFor().length > 0 && io.now() < latest) {
        const waited = io.now();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, latest - waited);
          const end = (): void => {
            clearTimeout(timer);
            resolve();
          };
          lingering = () => {
            if (waitingFor().length === 0) end();
          };
          outer?.addEventListener('abort', end, { once: true });
        });
        result.notes.push(
          `stayed ${String(Math.round((io.now() - waited) / 1000))} s past its deadline for peers that answered but had not said they were done`,
        );
      }
      const missing = others - server.doneFrom.size;
      if (missing > 0) result.notes.push(`${missing} peer(s) never said they were done before the deadline`);
    }
  } finally {
    await server?.close();
  }
}
