/**
 * The encryption-leak check of the deep audit's host kind (CVE-2023-28840 is the anchor): while the encrypted
 * overlay's tasks exchange echoes, the host task counts inbound UDP to the data-path port whose VXLAN header carries
 * the encrypted overlay's VNI. Such a packet is plaintext that should have been ESP. No I/O here: the raw socket is
 * in probes/adapters/raw-udp.ts, the listening in probes/deep/run.ts.
 */

/** VXLAN's default UDP port (the swarm's `DataPathPort` when it is 0 or unset). */
export const DEFAULT_DATA_PATH_PORT = 4789;
/** The VXLAN header's "I" flag: the VNI is valid (RFC 7348). */
const VXLAN_I_FLAG = 0x08;
const UDP_HEADER = 8;
const VXLAN_HEADER = 8;

/** What the host task reports of the check (the `leak` of its result line). */
export interface LeakResult {
  port: number;
  vni: number;
  /** How long the raw socket listened. */
  window_ms: number;
  /** Packets of the encrypted VNI, by sender address (only senders with at least one). */
  from: { address: string; packets: number }[];
  /** Set when nothing was counted, and why (the socket could not open): the check is untested, never a pass. */
  untested?: string;
}

/**
 * One IPv4 packet as a raw IPPROTO_UDP socket receives it (IP header included): the VNI of its VXLAN header when it
 * is UDP to `port`, long enough for a VXLAN header, with the I flag set; undefined otherwise.
 */
export function vxlanVni(packet: Uint8Array, port: number): number | undefined {
  if (packet.length < 20) return undefined;
  const first = packet[0] ?? 0;
  if (first >> 4 !== 4) return undefined;
  const ihl = (first & 0x0f) * 4;
  if (ihl < 20 || packet[9] !== 17) return undefined;
  // A fragment other than the first carries no UDP header.
  const fragmentOffset = (((packet[6] ?? 0) & 0x1f) << 8) | (packet[7] ?? 0);
  if (fragmentOffset !== 0) return undefined;
  const udp = ihl;
  if (packet.length < udp + UDP_HEADER + VXLAN_HEADER) return undefined;
  const dport = ((packet[udp + 2] ?? 0) << 8) | (packet[udp + 3] ?? 0);
  if (dport !== port) return undefined;
  const vxlan = udp + UDP_HEADER;
  if (((packet[vxlan] ?? 0) & VXLAN_I_FLAG) === 0) return undefined;
  return ((packet[vxlan + 4] ?? 0) << 16) | ((packet[vxlan + 5] ?? 0) << 8) | (packet[vxlan + 6] ?? 0);
}

/** The source address of an IPv4 packet, dotted. */
export function ipv4Source(packet: Uint8Array): string | undefined {
  if (packet.length < 20) return undefined;
  return [12, 13, 14, 15].map((i) => String(packet[i] ?? 0)).join('.');
}

/** Counts packets of one VNI to one port, by sender. */
export class LeakCounter {
  readonly #counts = new Map<string, number>();
  constructor(
    readonly port: number,
    readonly vni: number,
  ) {}

  /** Counts `packet` when it is VXLAN of the VNI to the port; returns whether it did. */
  add(packet: Uint8Array): boolean {
    if (vxlanVni(packet, this.port) !== this.vni) return false;
    const from = ipv4Source(packet) ?? '?';
    this.#counts.set(from, (this.#counts.get(from) ?? 0) + 1);
    return true;
  }

  /** Senders and their counts, most first. */
  from(): { address: string; packets: number }[] {
    return [...this.#counts]
      .map(([address, packets]) => ({ address, packets }))
      .sort((a, b) => b.packets - a.packets || a.address.localeCompare(b.address));
  }
}

/**
 * The VNI of an overlay network from its inspect (`Options["com.docker.network.driver.overlay.vxlanid_list"]`,
 * one VNI per subnet, comma-separated: the first), or undefined when it is not (yet) there.
 */
export function vniOf(network: unknown): number | undefined {
  const options = (network as { Options?: unknown } | null)?.Options;
  if (typeof options !== 'object' || options === null) return undefined;
  const list = (options as Record<string, unknown>)['com.docker.network.driver.overlay.vxlanid_list'];
  if (typeof list !== 'string') return undefined;
  const first = list.split(',')[0]?.trim() ?? '';
  if (!/^\d{1,8}$/.test(first)) return undefined;
  const vni = Number(first);
  return vni > 0 && vni < 2 ** 24 ? vni : undefined;
}

/** The swarm's data-path port from `GET /swarm` (`DataPathPort`; 0 or absent is VXLAN's 4789). */
export function dataPathPortOf(swarm: unknown): number {
  const port = (swarm as { DataPathPort?: unknown } | null)?.DataPathPort;
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65_536 ? port : DEFAULT_DATA_PATH_PORT;
}
