/**
 * `swarmlint preflight --listen`: binds the swarm's ports on the far host (TCP and UDP) and echoes the nonce of
 * every probe that arrives, so that the prober can prove UDP paths that silence alone cannot. Ports it cannot bind
 * (held by dockerd or by the kernel's VXLAN socket once the host is in a swarm) are listed in every echo. It only
 * answers probes (never anything else), never with more bytes than the probe had, and writes nothing anywhere.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { encodeEcho, parseProbe, PROBE_SIZE, specText, type PortSpec } from './echo-protocol.js';
import { parseAddress } from '../parse/address.js';

export interface ResponderOptions {
  specs: readonly PortSpec[];
  /** Address to bind (default 0.0.0.0). */
  address?: string;
  /** Answer only these sources (any when empty). */
  allow?: readonly string[];
  /** Called for every probe answered. */
  onProbe?: (from: string, to: PortSpec) => void;
}

export interface Responder {
  bound: PortSpec[];
  held: { spec: PortSpec; reason: string }[];
  answered: number;
  close(): Promise<void>;
}

/** Drops what a probe connection sends after this long without a whole probe. */
const TCP_IDLE_MS = 3_000;

const normalise = (address: string): string => parseAddress(address)?.toString() ?? address;

export async function startResponder(options: ResponderOptions): Promise<Responder> {
  const address = options.address ?? '0.0.0.0';
  const udp6 = address.includes(':');
  const allow = new Set((options.allow ?? []).map(normalise));
  const allowed = (from: string): boolean => allow.size === 0 || allow.has(normalise(from));
  const closers: (() => Promise<void>)[] = [];
  const responder: Responder = {
    bound: [],
    held: [],
    answered: 0,
    close: async () => {
      await Promise.all(closers.map((c) => c()));
    },
  };
  const heldSpecs = (): PortSpec[] => responder.held.map((h) => h.spec);
  const answer = (from: string, spec: PortSpec, data: Buffer): Buffer | undefined => {
    if (!allowed(from)) return undefined;
    const probe = parseProbe(data);
    if (!probe) return undefined;
    const echo = encodeEcho({ ...probe, to: spec }, heldSpecs());
    if (echo) {
      responder.answered++;
      options.onProbe?.(normalise(from), spec);
    }
    return echo;
  };

  await Promise.all(
    options.specs.map(async (spec) => {
      try {
        if (spec.protocol === 'udp') {
          const socket = dgram.createSocket({ type: udp6 ? 'udp6' : 'udp4' });
          await new Promise<void>((resolve, reject) => {
            socket.once('error', reject);
            socket.bind(spec.port, address, () => {
              socket.off('error', reject);
              resolve();
            });
          });
          socket.on('error', () => undefined);
          socket.on('message', (data, rinfo) => {
            const echo = answer(rinfo.address, spec, data);
            if (echo) socket.send(echo, rinfo.port, rinfo.address);
          });
          closers.push(
            () =>
              new Promise<void>((resolve) => {
                socket.close(() => {
                  resolve();
                });
              }),
          );
        } else {
          const open = new Set<net.Socket>();
          const server = net.createServer((connection) => {
            open.add(connection);
            connection.on('close', () => open.delete(connection));
            let data = Buffer.alloc(0);
            connection.setTimeout(TCP_IDLE_MS, () => connection.destroy());
            connection.on('error', () => undefined);
            connection.on('data', (chunk: Buffer) => {
              data = Buffer.concat([data, chunk]);
              if (data.length < PROBE_SIZE) return;
              const echo = answer(String(connection.remoteAddress), spec, data.subarray(0, PROBE_SIZE));
              if (echo) connection.end(echo);
              else connection.destroy();
            });
          });
          await new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen({ port: spec.port, host: address, exclusive: true }, () => {
              server.off('error', reject);
              resolve();
            });
          });
          closers.push(
            () =>
              new Promise<void>((resolve) => {
                server.close(() => {
                  resolve();
                });
                // close() waits for open connections: end them.
                for (const c of open) c.destroy();
              }),
          );
        }
        responder.bound.push(spec);
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        responder.held.push({ spec, reason: e.code === 'EADDRINUSE' ? 'in use by another program' : e.message });
      }
    }),
  );
  const order = (a: PortSpec, b: PortSpec): number => a.port - b.port || a.protocol.localeCompare(b.protocol);
  responder.bound.sort(order);
  responder.held.sort((a, b) => order(a.spec, b.spec));
  return responder;
}

/** `7946/tcp, 7946/udp` */
export const specsText = (specs: readonly PortSpec[]): string => specs.map(specText).join(', ');
