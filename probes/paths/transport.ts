/**
 * TCP and UDP checks of one port of a peer, with the probe-and-echo exchange of probes/paths/echo-protocol.ts. What the
 * network answered, raw; probes/paths/peer-report.ts turns it into facts.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { encodeProbe, parseEcho, type Echo, type PortSpec } from './echo-protocol.js';
import { once } from './once.js';

export interface CheckRequest {
  address: string;
  port: number;
  family: 4 | 6;
  timeoutMs: number;
  signal: AbortSignal;
}

export type TcpRaw =
  | { kind: 'connected'; echo?: Echo; ms: number }
  | { kind: 'refused'; ms: number }
  | { kind: 'timeout' }
  | { kind: 'error'; code: string; message: string };

export type UdpRaw =
  | { kind: 'echo'; echo: Echo; ms: number }
  /** ICMP port unreachable, seen as ECONNREFUSED on the connected socket. */
  | { kind: 'refused'; ms: number }
  | { kind: 'silence' }
  | { kind: 'error'; code: string; message: string };

const nonce = (): string => randomBytes(8).toString('hex');

/** How long a connected TCP check waits for a responder's echo before calling the port merely open. */
const ECHO_WAIT_MS = 500;

export function tcpCheck(request: CheckRequest): Promise<TcpRaw> {
  const spec: PortSpec = { port: request.port, protocol: 'tcp' };
  const id = nonce();
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect({ host: request.address, port: request.port, family: request.family });
    let connectedAt: number | undefined;
    let data = Buffer.alloc(0);
    const finish = once((raw: TcpRaw): void => {
      clearTimeout(timer);
      request.signal.removeEventListener('abort', giveUp);
      socket.destroy();
      resolve(raw);
    });
    const connected = (echo?: Echo): TcpRaw => ({ kind: 'connected', ...(echo ? { echo } : {}), ms: (connectedAt ?? started) - started });
    /** The timeout or the deadline: open if the handshake completed, else no answer. */
    const giveUp = (): void => {
      finish(connectedAt !== undefined ? connected() : { kind: 'timeout' });
    };
    let timer = setTimeout(giveUp, request.timeoutMs);
    request.signal.addEventListener('abort', giveUp, { once: true });
    if (request.signal.aborted) giveUp();
    socket.on('connect', () => {
      connectedAt = performance.now();
      clearTimeout(timer);
      timer = setTimeout(giveUp, ECHO_WAIT_MS);
      socket.write(encodeProbe(id, spec));
    });
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const echo = parseEcho(data);
      if (echo?.nonce === id) finish(connected(echo));
    });
    socket.on('end', () => {
      finish(connected());
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A reset comes only after the handshake: the port accepted the connection.
      if (connectedAt !== undefined || error.code === 'ECONNRESET') finish(connected());
      else if (error.code === 'ECONNREFUSED') finish({ kind: 'refused', ms: performance.now() - started });
      else finish({ kind: 'error', code: String(error.code), message: error.message });
    });
  });
}

/** When a UDP probe is sent again (ms after the first): datagrams get lost. */
const RESEND_AT = [0, 250, 600, 1000, 1500];

export function udpCheck(request: CheckRequest): Promise<UdpRaw> {
  const spec: PortSpec = { port: request.port, protocol: 'udp' };
  const id = nonce();
  const probe = encodeProbe(id, spec);
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = dgram.createSocket(request.family === 4 ? 'udp4' : 'udp6');
    const timers: NodeJS.Timeout[] = [];
    let done = false;
    const finish = once((raw: UdpRaw): void => {
      done = true;
      for (const t of timers) clearTimeout(t);
      request.signal.removeEventListener('abort', onAbort);
      socket.close();
      resolve(raw);
    });
    const onAbort = (): void => {
      finish({ kind: 'silence' });
    };
    request.signal.addEventListener('abort', onAbort, { once: true });
    if (request.signal.aborted) {
      onAbort();
      return;
    }
    timers.push(
      setTimeout(() => {
        finish({ kind: 'silence' });
      }, request.timeoutMs),
    );
    /** ICMP port unreachable comes back as ECONNREFUSED; a local firewall's DROP on OUTPUT as EPERM. */
    const failed = (error: NodeJS.ErrnoException): void => {
      finish(
        error.code === 'ECONNREFUSED'
          ? { kind: 'refused', ms: performance.now() - started }
          : { kind: 'error', code: String(error.code), message: error.message },
      );
    };
    // Errors of sends (no callback) come here too.
    socket.on('error', failed);
    socket.on('message', (data) => {
      const echo = parseEcho(data);
      if (echo?.nonce === id) finish({ kind: 'echo', echo, ms: performance.now() - started });
    });
    // Connected: the kernel then reports an ICMP port unreachable to this socket (ECONNREFUSED).
    socket.connect(request.port, request.address, (error?: Error) => {
      if (error) {
        failed(error);
        return;
      }
      for (const at of RESEND_AT.filter((t) => t < request.timeoutMs)) {
        timers.push(
          setTimeout(() => {
            if (!done) socket.send(probe);
          }, at),
        );
      }
    });
  });
}
