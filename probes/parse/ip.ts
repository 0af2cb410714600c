/**
 * iproute2's JSON (`ip -j -d addr show`, `ip -j route show`, `ip -j route get ADDR`), read through netlink: the
 * view of the network namespace the command runs in. (/sys/class/net is the view of the namespace that mounted
 * /sys, which differs after `nsenter --net` or in a container that shares the host's /sys.)
 */
import type { FactsRoute } from '../../language/facts-format.js';
import type { SystemInterface } from '../adapters/system.js';
import { type Json, obj, arr, str, num } from './json.js';

/** iproute2 prints JSON; a command that printed nothing (or garbage) gives an empty list. */
export function parseJsonList(text: string): unknown[] {
  try {
    return arr(JSON.parse(text));
  } catch {
    return [];
  }
}

export interface Link {
  name: string;
  ifindex: number;
  mtu: number;
  /** Administratively up with a carrier (operstate UP, or UNKNOWN with LOWER_UP as loopback and tunnels say). */
  up: boolean;
  /** `veth`, `bridge`, `vxlan`, … from `linkinfo.info_kind`; absent for physical devices (and loopback). */
  kind?: string;
  /** `ether`, `loopback`, `none`, … */
  linkType: string;
  addresses: string[];
}

/** `ip -j -d addr show`: every interface with its addresses (`a.b.c.d/len`, IPv6 with its zone-less address). */
export function parseAddrShow(text: string): Link[] {
  return parseJsonList(text).map((v) => {
    const link = obj(v);
    const flags = arr(link.flags).map(str);
    const operstate = str(link.operstate);
    const kind = str(obj(link.linkinfo).info_kind);
    return {
      name: str(link.ifname),
      ifindex: num(link.ifindex) ?? 0,
      mtu: num(link.mtu) ?? 0,
      up: flags.includes('UP') && (operstate === 'UP' || (operstate === 'UNKNOWN' && flags.includes('LOWER_UP'))),
      ...(kind ? { kind } : {}),
      linkType: str(link.link_type),
      addresses: arr(link.addr_info)
        .map(obj)
        .filter((a) => str(a.local) !== '' && num(a.prefixlen) !== undefined)
        .map((a) => `${str(a.local)}/${String(num(a.prefixlen))}`),
    };
  });
}

/** The `mtu` metric of a route: `{"mtu": 1300}`, or `{"mtu": ["lock", 1300]}` for `mtu lock 1300`. */
function routeMtu(route: Json): number | undefined {
  for (const metric of arr(route.metrics)) {
    const mtu = obj(metric).mtu;
    if (typeof mtu === 'number') return mtu;
    const locked = arr(mtu).find((x) => typeof x === 'number');
    if (typeof locked === 'number') return locked;
  }
  return undefined;
}

/** A destination in CIDR form: `default`, or a prefix (host routes get /32 or /128). */
function destination(dst: string): string {
  if (dst === 'default' || dst.includes('/')) return dst;
  return `${dst}/${dst.includes(':') ? '128' : '32'}`;
}

/** `ip -j route show` (the main table): unicast routes with a device. */
export function parseRoutes(text: string): FactsRoute[] {
  const out: FactsRoute[] = [];
  for (const v of parseJsonList(text)) {
    const route = obj(v);
    const type = str(route.type) || 'unicast';
    const device = str(route.dev);
    if (type !== 'unicast' || !device) continue;
    const gateway = str(route.gateway);
    const mtu = routeMtu(route);
    out.push({
      destination: destination(str(route.dst) || 'default'),
      device,
      ...(gateway ? { gateway } : {}),
      ...(mtu !== undefined ? { mtu } : {}),
    });
  }
  return out;
}

export interface RouteTo {
  device: string;
  /** The address this host sends from (`prefsrc`). */
  source?: string;
  gateway?: string;
  /** The route's `mtu`, or the path MTU the kernel learnt and cached for this destination. */
  mtu?: number;
}

/** `ip -j route get ADDR`: how the kernel would send to one address, or undefined when it has no route. */
export function parseRouteGet(text: string): RouteTo | undefined {
  const route = obj(parseJsonList(text)[0]);
  const device = str(route.dev);
  if (!device) return undefined;
  const source = str(route.prefsrc);
  const gateway = str(route.gateway);
  const mtu = routeMtu(route);
  return { device, ...(source ? { source } : {}), ...(gateway ? { gateway } : {}), ...(mtu !== undefined ? { mtu } : {}) };
}

/** /proc/net/route (IPv4 only; hex in host byte order): the routes when iproute2's JSON is not available. */
export function parseProcRoute(text: string): FactsRoute[] {
  const hexAddress = (hex: string): string => [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
  const out: FactsRoute[] = [];
  for (const line of text.split('\n').slice(1)) {
    const [device, dst, gw, flags, , , , mask, mtu] = line.trim().split(/\s+/);
    if (!device || !dst || !gw || !flags || !mask) continue;
    const RTF_UP = 0x1;
    if ((parseInt(flags, 16) & RTF_UP) === 0) continue;
    const prefix = BigInt(`0x${mask}`).toString(2).replace(/0/g, '').length;
    const destination = prefix === 0 ? 'default' : `${hexAddress(dst)}/${String(prefix)}`;
    const gateway = gw === '00000000' ? undefined : hexAddress(gw);
    const routeMtuValue = Number(mtu ?? 0);
    out.push({ destination, device, ...(gateway ? { gateway } : {}), ...(routeMtuValue > 0 ? { mtu: routeMtuValue } : {}) });
  }
  return out;
}

/** A netmask (`255.255.255.0`, `ffff:ffff::`) as a prefix length. */
export function maskLength(mask: string): number | undefined {
  if (mask.includes('.')) {
    const bits = mask
      .split('.')
      .map((o) => Number(o).toString(2).padStart(8, '0'))
      .join('');
    return /^1*0*$/.test(bits) ? (bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')) : undefined;
  }
  if (!mask.includes(':')) return undefined;
  const [head = '', tail] = mask.split('::');
  const groups = head.split(':').filter(Boolean);
  if (tail !== undefined)
    groups.push(...Array<string>(8 - groups.length - tail.split(':').filter(Boolean).length).fill('0'), ...tail.split(':').filter(Boolean));
  const bits = groups.map((g) => parseInt(g, 16).toString(2).padStart(16, '0')).join('');
  if (bits.length !== 128 || !/^1*0*$/.test(bits)) return undefined;
  return bits.indexOf('0') === -1 ? 128 : bits.indexOf('0');
}

/** The interfaces worth asking ethtool about: up, with a global address, not loopback, bridges or tunnels. At most 16. */
export function ethtoolCandidates(links: readonly Link[]): string[] {
  return links
    .filter(
      (l) =>
        l.up &&
        l.linkType !== 'loopback' &&
        !['bridge', 'vxlan', 'ipip', 'gre', 'wireguard', 'tun'].includes(l.kind ?? '') &&
        l.addresses.some((a) => !a.startsWith('127.') && !a.startsWith('fe80:') && a !== '::1/128'),
    )
    .slice(0, 16)
    .map((l) => l.name);
}

/** systeminformation's interface list (one IPv4 and one IPv6 address each) as facts. */
export function fromSystemInterfaces(list: readonly SystemInterface[]): { name: string; mtu: number; up: boolean; addresses: string[] }[] {
  return list.map((i) => {
    const addresses: string[] = [];
    const v4 = maskLength(i.ip4subnet);
    if (i.ip4 && v4 !== undefined) addresses.push(`${i.ip4}/${String(v4)}`);
    const v6 = maskLength(i.ip6subnet);
    if (i.ip6 && v6 !== undefined) addresses.push(`${i.ip6}/${String(v6)}`);
    return { name: i.iface, mtu: i.mtu ?? 0, up: i.operstate === 'up' || (i.internal && i.operstate !== 'down'), addresses };
  });
}
