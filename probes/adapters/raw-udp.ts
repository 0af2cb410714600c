/**
 * A raw IPPROTO_UDP socket (raw-socket, the layer under net-ping, an optional dependency): on Linux it receives a
 * copy of every inbound IPv4 UDP packet that reaches local delivery, IP header included, also those a kernel UDP
 * socket such as the vxlan device's consumes. Netfilter's INPUT runs before: what INPUT drops is not seen.
 */
import { createRequire } from 'node:module';

interface RawSocket {
  on(event: 'message', listener: (buffer: Buffer, source: string) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  close(): void;
}

interface RawSocketModule {
  createSocket(options: { protocol: number; addressFamily?: number }): RawSocket;
  Protocol: { UDP: number };
  AddressFamily: { IPv4: number };
}

function rawSocket(): RawSocketModule | Error {
  try {
    const require = createRequire(import.meta.url);
    // raw-socket comes with net-ping: resolved from there, wherever the install put it.
    return createRequire(require.resolve('net-ping'))('raw-socket') as RawSocketModule;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Opens the socket and calls `onPacket` for each packet; the reason when it cannot be opened. */
export function openRawUdp(onPacket: (packet: Buffer) => void): { ok: true; close: () => void } | { ok: false; reason: string } {
  const raw = rawSocket();
  if (raw instanceof Error) return { ok: false, reason: `raw-socket cannot load (${raw.message})` };
  let socket: RawSocket;
  try {
    socket = raw.createSocket({ protocol: raw.Protocol.UDP, addressFamily: raw.AddressFamily.IPv4 });
  } catch (error) {
    return { ok: false, reason: `no raw UDP socket (${(error as Error).message}): it needs root or CAP_NET_RAW` };
  }
  socket.on('error', () => undefined);
  socket.on('message', (buffer) => {
    onPacket(buffer);
  });
  return {
    ok: true,
    close: () => {
      socket.close();
    },
  };
}
