import type { Facts, Host, HostInterface, HostRoute, PeerPath } from '../../language/model.js';
import { addressCidr, contains, parseLenient, type Cidr } from './cidr.js';

/**
 * This host and its paths to the other nodes, as a preflight facts document describes them: which route and
 * interface traffic to a peer takes, and how to name a peer in a message.
 */

/**
 * A route's destination as a range. `default` is everything of the address's family; its gateway, when it has one,
 * tells which family the route is for.
 */
function destinationOf(route: HostRoute, family: 4 | 6): Cidr | undefined {
  if (route.destination !== 'default') return parseLenient(route.destination);
  const gateway = route.gateway ? addressCidr(route.gateway) : undefined;
  if (gateway && gateway.family !== family) return undefined;
  return parseLenient(family === 4 ? '0.0.0.0/0' : '::/0');
}

/** The route the kernel picks for an address: the longest prefix that holds it (metrics and policy rules aside). */
export function routeFor(host: Host, address: string): HostRoute | undefined {
  const target = addressCidr(address);
  if (!target) return undefined;
  let best: { route: HostRoute; prefix: number } | undefined;
  for (const route of host.routes) {
    const destination = destinationOf(route, target.family);
    if (!destination || !contains(destination, target)) continue;
    if (!best || destination.prefix > best.prefix) best = { route, prefix: destination.prefix };
  }
  return best?.route;
}

/** The link traffic to a peer leaves this host by. */
export interface PeerLink {
  /** The interface's name. */
  device: string;
  /** The largest packet it lets out: the interface's MTU, or the route's own `mtu` when that is smaller. */
  mtu?: number;
  /** True when the route's `mtu` attribute, not the interface, sets `mtu`. */
  byRoute: boolean;
}

/**
 * The interface traffic to a peer uses: the probe's `device` (and `deviceMtu`), else the route to the peer and its
 * interface. A route's own `mtu` attribute, when it is the route to the peer, lowers the MTU.
 */
export function linkTo(host: Host | undefined, peer: PeerPath): PeerLink | undefined {
  const route = host ? routeFor(host, peer.address) : undefined;
  const device = peer.device ?? route?.device;
  if (!device) return undefined;
  const iface = host?.interfaces.find((i) => i.name === device);
  const deviceMtu = peer.deviceMtu ?? (iface && iface.mtu > 0 ? iface.mtu : undefined);
  const routeMtu = route && route.device === device && route.mtu !== undefined && route.mtu > 0 ? route.mtu : undefined;
  if (routeMtu !== undefined && (deviceMtu === undefined || routeMtu < deviceMtu)) return { device, mtu: routeMtu, byRoute: true };
  return { device, ...(deviceMtu !== undefined ? { mtu: deviceMtu } : {}), byRoute: false };
}

/** The interfaces traffic to the peers leaves by, in the order of the peers. */
export function peerInterfaces(host: Host, peers: readonly PeerPath[]): HostInterface[] {
  const out: HostInterface[] = [];
  for (const peer of peers) {
    const device = linkTo(host, peer)?.device;
    const iface = host.interfaces.find((i) => i.name === device);
    if (iface && !out.includes(iface)) out.push(iface);
  }
  return out;
}

/** `manager 10.0.0.1` or `peer 10.0.0.2`, with the node's hostname when the manager's node list has the address. */
export function peerLabel(facts: Facts, peer: PeerPath): string {
  const node = facts.nodes.find((n) => n.address === peer.address);
  return `${peer.role} ${peer.address}${node ? ` (\`${node.hostname}\`)` : ''}`;
}

/** Is the peer a manager: named with `--manager`, or a manager in the manager's node list? */
export function isManagerPeer(facts: Facts, peer: PeerPath): boolean {
  return peer.role === 'manager' || facts.nodes.some((n) => n.address === peer.address && n.role === 'manager');
}

/** Does the host run Windows (`windows`, `Windows_NT`, `win32`)? */
export function isWindows(host: Host): boolean {
  return host.os.startsWith('win');
}
