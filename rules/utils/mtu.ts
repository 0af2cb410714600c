import type { Network } from '../../language/model.js';

/**
 * Overlay MTU arithmetic, as moby's overlay driver does it (`libnetwork/drivers/overlay`): the network option
 * `com.docker.network.driver.mtu` is the budget of the encapsulated packet on the wire, and the containers get
 * what is left after VXLAN (and, on encrypted networks, ESP).
 */

/** Ethernet's MTU: what Docker assumes when the option is unset, and what we assume of an unknown underlay. */
export const DEFAULT_MTU = 1500;
/** VXLAN over IPv4: inner Ethernet 14 + VXLAN 8 + UDP 8 + outer IPv4 20 (libnetwork overlay `vxlanEncap`). */
export const VXLAN_OVERHEAD = 50;
/** ESP in transport mode with rfc4106(gcm(aes)): SPI 4 + sequence 4 + IV 8 + pad length 1 + next header 1 + ICV 8. */
export const ESP_OVERHEAD = 26;
/** The smallest MTU an IPv4 interface may have; the kernel refuses less. */
export const MIN_MTU = 68;
/** The largest IP packet. */
export const MAX_MTU = 65535;

/**
 * The MTU libnetwork gives the containers' interfaces on an overlay network (`maxMTU` in the overlay driver): the
 * option (default 1500) less VXLAN's 50 bytes, and when encrypted less ESP's 26, rounded down to a multiple of 4.
 */
export function containerMtu(option: number, encrypted: boolean): number {
  const mtu = option - VXLAN_OVERHEAD;
  if (!encrypted) return mtu;
  const esp = mtu - ESP_OVERHEAD;
  return esp - (esp % 4);
}

/** Bytes an encapsulated full-size packet takes on the underlay (ESP needs no padding: the inner size is aligned). */
export function packetSize(container: number, encrypted: boolean): number {
  return container + VXLAN_OVERHEAD + (encrypted ? ESP_OVERHEAD : 0);
}

/**
 * The largest IP packet an overlay network of the cluster puts on the wire between nodes: its option (`0` and unset
 * are 1500), or a few bytes less when ESP alignment rounds the containers' MTU down. Undefined when the option is
 * not usable (`overlay-mtu` reports it) and no task can start on the network.
 */
export function wirePacket(network: Pick<Network, 'mtu' | 'encrypted'>): number | undefined {
  const option = network.mtu === undefined || network.mtu === 0 ? DEFAULT_MTU : network.mtu;
  const container = containerMtu(option, network.encrypted);
  if (container < MIN_MTU || option > MAX_MTU) return undefined;
  return packetSize(container, network.encrypted);
}
