/**
 * ICMP echo with the Don't Fragment bit set, through net-ping (raw-socket underneath). This is the only file that
 * imports net-ping. One session (one raw socket) per echo: net-ping fixes the packet size per session, and each
 * session gets an identifier of its own so that concurrent sessions never take each other's replies.
 *
 * DF is set with `IP_MTU_DISCOVER = IP_PMTUDISC_DO` (IPv6: `IPV6_MTU_DISCOVER = IPV6_PMTUDISC_DO`) on the session's
 * socket: the kernel then neither fragments the echo nor lets it out when it is larger than what it knows of the
 * path ("Message too long").
 */
import { createRequire } from 'node:module';

interface RawSocket {
  setOption(level: number, option: number, value: number): void;
}

interface Session {
  getSocket(): RawSocket;
  pingHost(target: string, callback: (error: Error | null, target: string, sent?: Date, received?: Date) => void): Session;
  close(): Session;
  on(event: 'error', listener: (error: Error) => void): Session;
}

interface NetPing {
  createSession(options: {
    networkProtocol?: number;
    packetSize?: number;
    retries?: number;
    timeout?: number;
    sessionId?: number;
    ttl?: number;
  }): Session;
  NetworkProtocol: { IPv4: number; IPv6: number };
}

const IPPROTO_IP = 0;
const IP_MTU_DISCOVER = 10;
const IPPROTO_IPV6 = 41;
const IPV6_MTU_DISCOVER = 23;
/** IP_PMTUDISC_DO and IPV6_PMTUDISC_DO: always set DF, never fragment. */
const PMTUDISC_DO = 2;
/** IPv4 and IPv6 headers (without options): an echo's IP packet is its ICMP message plus this. */
const IP_HEADER = { 4: 20, 6: 40 } as const;
/** The smallest ICMP message net-ping sends. */
const MIN_ICMP = 12;

let loaded: NetPing | Error | undefined;

/**
 * net-ping is an optional dependency (raw-socket, under it, is built with node-gyp and needs Python, make and a C++
 * compiler): an install without them has no net-ping, and only the ICMP checks are skipped. It is loaded here, the
 * first time an echo is wanted, never at start-up.
 */
export const NET_PING_MISSING =
  'net-ping is not installed (an optional dependency: it builds raw-socket, which needs Python, make and a C++ compiler; `npm install net-ping` where they are)';

function netPing(): NetPing | Error {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)('net-ping') as NetPing;
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      // Not installed, or installed without its native part (raw-socket's build/Release/raw.node).
      loaded = (e as { code?: string }).code === 'MODULE_NOT_FOUND' ? new Error(NET_PING_MISSING) : e;
    }
  }
  return loaded;
}

let nextSessionId = 1 + Math.floor(Math.random() * 60_000);
const sessionId = (): number => {
  nextSessionId = (nextSessionId % 65_534) + 1;
  return nextSessionId;
};

export type PingOutcome =
  | { ok: true; rttMs: number }
  /** `timeout`: no answer; `too-big`: refused locally (EMSGSIZE) or "fragmentation needed"; `unreachable`: another ICMP error. */
  | { ok: false; reason: 'timeout' | 'too-big' | 'unreachable' | 'error'; message: string };

export interface PingRequest {
  target: string;
  family: 4 | 6;
  /** The IP packet's size in bytes (headers included). */
  size: number;
  timeoutMs: number;
  signal: AbortSignal;
  /** Set DF (default true). Without it the echo may be fragmented: only for sizes that never are. */
  df?: boolean;
}

/** Whether raw ICMP sockets can be opened here; the reason when not (no root and no CAP_NET_RAW, net-ping missing). */
export function icmpAvailable(family: 4 | 6 = 4): { ok: true } | { ok: false; reason: string } {
  const np = netPing();
  if (np instanceof Error)
    return { ok: false, reason: np.message === NET_PING_MISSING ? np.message : `net-ping cannot load: ${np.message}` };
  try {
    const session = np.createSession({
      networkProtocol: family === 4 ? np.NetworkProtocol.IPv4 : np.NetworkProtocol.IPv6,
      sessionId: sessionId(),
    });
    session.on('error', () => undefined);
    session.close();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `no raw ICMP socket (${(error as Error).message}): ICMP needs root or CAP_NET_RAW` };
  }
}

/** Whether DF can be set on an ICMP socket here (IP_MTU_DISCOVER = IP_PMTUDISC_DO); the reason when not. */
export function dfAvailable(family: 4 | 6 = 4): { ok: true } | { ok: false; reason: string } {
  const np = netPing();
  if (np instanceof Error) return { ok: false, reason: `net-ping cannot load: ${np.message}` };
  let session: Session;
  try {
    session = np.createSession({
      networkProtocol: family === 4 ? np.NetworkProtocol.IPv4 : np.NetworkProtocol.IPv6,
      sessionId: sessionId(),
    });
  } catch (error) {
    return { ok: false, reason: `no raw ICMP socket (${(error as Error).message}): ICMP needs root or CAP_NET_RAW` };
  }
  session.on('error', () => undefined);
  try {
    session
      .getSocket()
      .setOption(family === 4 ? IPPROTO_IP : IPPROTO_IPV6, family === 4 ? IP_MTU_DISCOVER : IPV6_MTU_DISCOVER, PMTUDISC_DO);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `DF cannot be set (IP_MTU_DISCOVER: ${(error as Error).message})` };
  } finally {
    session.close();
  }
}

/** One DF echo of `size` bytes; never rejects. */
export function dfPing(request: PingRequest): Promise<PingOutcome> {
  const np = netPing();
  if (np instanceof Error) return Promise.resolve({ ok: false, reason: 'error', message: np.message });
  const { family, size } = request;
  return new Promise((resolve) => {
    let session: Session;
    try {
      session = np.createSession({
        networkProtocol: family === 4 ? np.NetworkProtocol.IPv4 : np.NetworkProtocol.IPv6,
        packetSize: Math.max(MIN_ICMP, size - IP_HEADER[family]),
        retries: 0,
        timeout: request.timeoutMs,
        sessionId: sessionId(),
      });
      session.on('error', () => undefined);
      if (request.df !== false)
        session
          .getSocket()
          .setOption(family === 4 ? IPPROTO_IP : IPPROTO_IPV6, family === 4 ? IP_MTU_DISCOVER : IPV6_MTU_DISCOVER, PMTUDISC_DO);
    } catch (error) {
      resolve({ ok: false, reason: 'error', message: (error as Error).message });
      return;
    }
    let done = false;
    const finish = (outcome: PingOutcome): void => {
      if (done) return;
      done = true;
      request.signal.removeEventListener('abort', onAbort);
      session.close();
      resolve(outcome);
    };
    const onAbort = (): void => {
      finish({ ok: false, reason: 'timeout', message: 'stopped at the deadline' });
    };
    request.signal.addEventListener('abort', onAbort, { once: true });
    if (request.signal.aborted) {
      onAbort();
      return;
    }
    const started = performance.now();
    session.pingHost(request.target, (error) => {
      if (!error) {
        finish({ ok: true, rttMs: performance.now() - started });
        return;
      }
      const message = error.message;
      const name = error.name;
      if (name === 'RequestTimedOutError') finish({ ok: false, reason: 'timeout', message });
      else if (/message too long|EMSGSIZE/i.test(message) || name === 'PacketTooBigError')
        finish({ ok: false, reason: 'too-big', message });
      else if (name === 'DestinationUnreachableError') finish({ ok: false, reason: 'unreachable', message });
      else finish({ ok: false, reason: 'error', message });
    });
  });
}
