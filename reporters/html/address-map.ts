import type { Facts, Network, Stack } from '../../language/model.js';
import type { Finding } from '../../engine/findings.js';
import { addressCidr, contains, formatAddress, overlaps, parseLenient, usableAddresses, type Cidr } from '../../rules/utils/cidr.js';
import { desiredTasks, nodesWithTasks, servicesOn, canRunTasks } from '../../rules/utils/placement.js';
import type { ClusterProfile } from '../../language/settings.js';
import { esc, slug } from './escape.js';

/** Where a range comes from: it decides its colour and whether containment in it is expected. */
export type RangeKind = 'stack' | 'overlay' | 'ingress' | 'pool' | 'bridge' | 'interface' | 'route' | 'site' | 'node';

export interface AddressRange {
  label: string;
  /** The name findings use for it (a stack's network without the stack prefix), when it has one. */
  name?: string;
  kind: RangeKind;
  cidr: Cidr;
  /** The document it was read from. */
  source: string;
  /** Addresses a network needs or holds, and how many its subnet has, for the capacity bar. */
  used?: number;
  usable?: number;
}

export interface Overlap {
  a: AddressRange;
  b: AddressRange;
  /** The shared addresses. */
  first: bigint;
  last: bigint;
  /** Fingerprints of the findings that speak of either range. */
  findings: string[];
}

const lastOf = (c: Cidr): bigint => c.network + (1n << BigInt(32 - c.prefix)) - 1n;

function networkKind(network: Network): RangeKind {
  if (network.ingress) return 'ingress';
  if (network.driver === 'bridge') return 'bridge';
  return 'overlay';
}

/** Addresses a network of a stack asks for: tasks, virtual IPs and one load-balancer endpoint per node. */
function stackNeed(network: Network, stack: Stack, nodes: number): number {
  const services = servicesOn(network, stack);
  const tasks = services.reduce((sum, s) => sum + desiredTasks(s, nodes), 0);
  return tasks + services.filter((s) => s.endpointMode === 'vip').length + nodesWithTasks(services, nodes);
}

/** Every IPv4 range the run knows, once per (kind, range, label). */
export function collectRanges(roots: readonly { name: string; root: Stack | Facts }[], cluster: ClusterProfile): AddressRange[] {
  const out: AddressRange[] = [];
  const seen = new Set<string>();
  const add = (range: AddressRange): void => {
    if (range.cidr.family !== 4) return;
    const key = `${range.kind}|${range.cidr.text}|${range.label}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(range);
  };
  for (const { name, root } of roots) {
    const nodes = root.type === 'Facts' && root.nodes.length > 0 ? root.nodes.filter(canRunTasks).length : (cluster.nodes ?? 1);
    for (const network of root.networks) {
      for (const subnet of network.subnets) {
        const cidr = parseLenient(subnet.cidr);
        if (!cidr) continue;
        const used =
          root.type === 'Facts'
            ? (network.attachments ?? 0) + (network.vips ?? 0) + (network.nodes?.length ?? 0)
            : network.external
              ? undefined
              : stackNeed(network, root, nodes);
        add({
          label: root.type === 'Stack' ? `${root.name}_${network.name}` : network.name,
          name: network.name,
          kind: root.type === 'Stack' && !network.external ? 'stack' : networkKind(network),
          cidr,
          source: name,
          ...(used !== undefined && network.subnets.length === 1 ? { used, usable: usableAddresses(cidr) } : {}),
        });
      }
    }
    if (root.type === 'Facts') {
      // Each node's address, or, past NODE_ROWS nodes, one row per /24 that holds nodes.
      const perSubnet = new Map<string, number>();
      for (const node of root.nodes) {
        const cidr = addressCidr(node.address);
        if (!cidr) continue;
        if (root.nodes.length <= NODE_ROWS) add({ label: `node ${node.hostname}`, name: node.hostname, kind: 'node', cidr, source: name });
        else if (cidr.family === 4) perSubnet.set(`${node.address}/24`, (perSubnet.get(`${node.address}/24`) ?? 0) + 1);
      }
      const grouped = new Map<string, { cidr: Cidr; count: number }>();
      for (const [text, count] of perSubnet) {
        const cidr = parseLenient(text);
        if (cidr) grouped.set(cidr.text, { cidr, count: (grouped.get(cidr.text)?.count ?? 0) + count });
      }
      for (const { cidr, count } of grouped.values()) add({ label: `${String(count)} node addresses`, kind: 'node', cidr, source: name });
      for (const pool of root.swarm?.defaultAddrPools ?? []) {
        const cidr = parseLenient(pool);
        if (cidr) add({ label: 'default address pool', kind: 'pool', cidr, source: name });
      }
      for (const iface of root.host?.interfaces ?? []) {
        for (const address of iface.addresses) {
          const cidr = parseLenient(address);
          if (!cidr || cidr.prefix === 32) continue;
          const bridge = iface.name === 'docker0' || iface.name === 'docker_gwbridge';
          add({ label: iface.name, kind: bridge ? 'bridge' : 'interface', cidr, source: name });
        }
      }
      for (const route of root.host?.routes ?? []) {
        if (route.destination === 'default') continue;
        const cidr = parseLenient(route.destination);
        // A route to an interface's own subnet is that interface: drawn once.
        if (!cidr || cidr.prefix === 32 || out.some((r) => r.cidr.text === cidr.text && r.label === route.device)) continue;
        add({ label: `route via ${route.device}`, kind: 'route', cidr, source: name });
      }
    }
  }
  for (const pool of cluster.defaultAddrPools ?? []) {
    const cidr = parseLenient(pool);
    if (cidr) add({ label: 'default address pool', kind: 'pool', cidr, source: 'config' });
  }
  for (const site of cluster.siteCidrs ?? []) {
    const cidr = parseLenient(site.cidr);
    if (cidr) add({ label: site.name ?? 'site network', kind: 'site', cidr, source: 'config' });
  }
  return out.sort((x, y) => (x.cidr.network < y.cidr.network ? -1 : x.cidr.network > y.cidr.network ? 1 : x.cidr.prefix - y.cidr.prefix));
}

/** Is sharing addresses between the two expected? A pool holds the networks taken from it; one subnet seen twice is one. */
function expected(a: AddressRange, b: AddressRange): boolean {
  if (a.cidr.text === b.cidr.text && a.label === b.label) return true;
  if (a.kind === 'pool' && b.kind !== 'site' && b.kind !== 'interface' && b.kind !== 'route' && contains(a.cidr, b.cidr)) return true;
  if (b.kind === 'pool' && a.kind !== 'site' && a.kind !== 'interface' && a.kind !== 'route' && contains(b.cidr, a.cidr)) return true;
  // An interface and a route of the same host to the same subnet.
  const host = new Set<RangeKind>(['interface', 'route', 'bridge', 'node']);
  return host.has(a.kind) && host.has(b.kind) && a.cidr.text === b.cidr.text;
}

/** Pairs of ranges that share addresses where they should not, each with the findings that name either range. */
export function findOverlaps(ranges: readonly AddressRange[], findings: readonly Finding[]): Overlap[] {
  const out: Overlap[] = [];
  for (const [i, a] of ranges.entries()) {
    for (const b of ranges.slice(i + 1)) {
      if (!overlaps(a.cidr, b.cidr) || expected(a, b)) continue;
      const first = a.cidr.network > b.cidr.network ? a.cidr.network : b.cidr.network;
      const last = lastOf(a.cidr) < lastOf(b.cidr) ? lastOf(a.cidr) : lastOf(b.cidr);
      // The findings that name both ranges (by subnet or name); else the overlap findings that name either.
      const names = (f: Finding, r: AddressRange): boolean =>
        f.message.includes(r.cidr.text) || (r.name !== undefined && f.message.includes(`\`${r.name}\``));
      const both = findings.filter((f) => names(f, a) && names(f, b));
      const linked = both.length > 0 ? both : findings.filter((f) => f.ruleId === 'subnet-overlap' && (names(f, a) || names(f, b)));
      out.push({ a, b, first, last, findings: linked.map((f) => f.fingerprint) });
    }
  }
  return out;
}

/** Up to this many nodes, each node's address is a row of its own. */
const NODE_ROWS = 20;
const ROW = 22;
const LABEL = 220;
const WIDTH = 1000;
const AXIS = 64;

/**
 * The ranges on one scale: an ordinal scale over the range boundaries (every start and end gets the same room),
 * so a /24 beside a /8 is still visible and every overlap shows as bars that share columns. Overlaps are bands
 * across the chart, linked to the findings about them.
 */
export function addressMapSvg(ranges: readonly AddressRange[], found: readonly Overlap[]): string {
  if (ranges.length === 0) return '';
  const cuts = new Set<bigint>();
  for (const r of ranges) {
    cuts.add(r.cidr.network);
    cuts.add(lastOf(r.cidr) + 1n);
  }
  const stops = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const step = (WIDTH - LABEL - 60) / Math.max(1, stops.length - 1);
  const x = (n: bigint): number => LABEL + stops.indexOf(n) * step;
  const height = ranges.length * ROW + AXIS;
  const parts: string[] = [
    `<svg class="address-map" role="img" viewBox="0 0 ${String(WIDTH)} ${String(height)}" width="${String(WIDTH)}" height="${String(height)}" aria-label="Address map: ${String(ranges.length)} IPv4 ranges, ${String(found.length)} overlaps">`,
  ];
  for (const o of found) {
    const x1 = x(o.first);
    const x2 = x(o.last + 1n);
    const target = o.findings[0] ? `#f-${o.findings[0]}` : '#overlaps';
    parts.push(
      `<a href="${esc(target)}"><rect class="overlap" data-between="${esc(`${o.a.cidr.text}|${o.b.cidr.text}`)}" x="${x1.toFixed(1)}" y="0" width="${Math.max(2, x2 - x1).toFixed(1)}" height="${String(ranges.length * ROW)}"><title>${esc(`${o.a.label} ${o.a.cidr.text} overlaps ${o.b.label} ${o.b.cidr.text}`)}</title></rect></a>`,
    );
  }
  ranges.forEach((r, i) => {
    const y = i * ROW;
    const x1 = x(r.cidr.network);
    const x2 = x(lastOf(r.cidr) + 1n);
    const clash = found.some((o) => o.a === r || o.b === r);
    parts.push(
      `<g class="range kind-${r.kind}${clash ? ' clash' : ''}" data-cidr="${esc(r.cidr.text)}" data-label="${esc(r.label)}">` +
        `<text x="${String(LABEL - 8)}" y="${String(y + 15)}" text-anchor="end">${esc(r.label)}</text>` +
        `<rect x="${x1.toFixed(1)}" y="${String(y + 4)}" width="${Math.max(2, x2 - x1).toFixed(1)}" height="${String(ROW - 8)}" rx="3"><title>${esc(`${r.label}: ${r.cidr.text} (${r.kind}, ${r.source})`)}</title></rect>` +
        // The range's text after its bar, or inside it when the bar reaches the right edge.
        (x2 + 110 < WIDTH
          ? `<text class="cidr" x="${(x2 + 4).toFixed(1)}" y="${String(y + 15)}">${esc(r.cidr.text)}</text></g>`
          : `<text class="cidr" x="${(x2 - 4).toFixed(1)}" y="${String(y + 15)}" text-anchor="end">${esc(r.cidr.text)}</text></g>`),
    );
  });
  const axisY = ranges.length * ROW + 6;
  for (const s of stops) {
    parts.push(
      `<text class="tick" transform="translate(${x(s).toFixed(1)} ${String(axisY)}) rotate(40)">${esc(formatAddress(s > 0xffffffffn ? 0xffffffffn : s, 4))}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

/** Capacity bars: addresses used (or needed, for a stack) against those the subnet has. */
export function capacityTable(ranges: readonly AddressRange[]): string {
  const rows = ranges.filter((r) => r.used !== undefined && r.usable !== undefined && Number.isFinite(r.usable));
  if (rows.length === 0) return '';
  const body = rows
    .map((r) => {
      const used = r.used ?? 0;
      const usable = r.usable ?? 0;
      const pct = usable === 0 ? 100 : Math.min(100, Math.round((used * 100) / usable));
      const level = used > usable ? 'full' : pct >= 80 ? 'nearly' : 'ok';
      return `<tr id="cap-${esc(slug(`${r.source}-${r.label}`))}" class="capacity ${level}" data-network="${esc(r.label)}"><th scope="row">${esc(r.label)}</th><td>${esc(r.cidr.text)}</td><td><div class="bar" aria-hidden="true"><span style="width:${String(pct)}%"></span></div></td><td class="num">${String(used)} / ${String(usable)}</td></tr>`;
    })
    .join('');
  return `<table class="capacity-table"><caption>Addresses per network (used or needed / usable)</caption><thead><tr><th>network</th><th>subnet</th><th>use</th><th class="num">addresses</th></tr></thead><tbody>${body}</tbody></table>`;
}
