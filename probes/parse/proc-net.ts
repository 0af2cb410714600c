/**
 * /proc/net/{tcp,udp}{,6}: the sockets of the network namespace the reading process is in, and which process
 * holds each one (the `socket:[INODE]` links in /proc/PID/fd).
 */

export interface Socket {
  protocol: 'tcp' | 'udp';
  address: string;
  port: number;
  /** The socket's inode; 0 for sockets the kernel holds itself (a VXLAN device's UDP socket). */
  inode: number;
}

/** `0100007F` → `127.0.0.1`; 32 hex digits → an IPv6 address (four little-endian 32-bit words). */
export function decodeAddress(hex: string): string {
  if (hex.length === 8) {
    const bytes = [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16));
    return bytes.join('.');
  }
  const groups: number[] = [];
  for (let word = 0; word < 4; word++) {
    const w = hex.slice(word * 8, word * 8 + 8);
    // Each 32-bit word is in host (little-endian) order: its bytes reversed.
    const b = [6, 4, 2, 0].map((i) => w.slice(i, i + 2)).join('');
    groups.push(parseInt(b.slice(0, 4), 16), parseInt(b.slice(4, 8), 16));
  }
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return `::ffff:${String(hi >> 8)}.${String(hi & 0xff)}.${String(lo >> 8)}.${String(lo & 0xff)}`;
  }
  // RFC 5952: the longest run of two or more zero groups (the first of equals) becomes `::`.
  let best = { at: -1, length: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const text = (g: number[]): string => g.map((x) => x.toString(16)).join(':');
  if (best.at < 0) return text(groups);
  return `${text(groups.slice(0, best.at))}::${text(groups.slice(best.at + best.length))}`;
}

const TCP_LISTEN = '0A';
const UDP_UNCONNECTED = '07';

/**
 * Listening sockets in one /proc/net file: TCP sockets in LISTEN, UDP sockets bound and not connected (their
 * remote address is all zeros).
 */
export function parseProcNet(text: string, protocol: 'tcp' | 'udp'): Socket[] {
  const out: Socket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const [local, remote, state, inode] = [f[1], f[2], f[3], f[9]];
    if (!local || !remote || !state || inode === undefined) continue;
    const listening = protocol === 'tcp' ? state === TCP_LISTEN : state === UDP_UNCONNECTED && /^0+:0000$/.test(remote);
    if (!listening) continue;
    const [addressHex = '', portHex = ''] = local.split(':');
    out.push({ protocol, address: decodeAddress(addressHex), port: parseInt(portHex, 16), inode: Number(inode) });
  }
  return out;
}

/** `socket:[12345]` (a /proc/PID/fd link) → 12345. */
export function socketInode(link: string): number | undefined {
  const m = /^socket:\[(\d+)\]$/.exec(link);
  return m ? Number(m[1]) : undefined;
}
