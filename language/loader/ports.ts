import { isIPv4, isIPv6 } from 'node:net';
import { echoPortPart } from '../quote.js';
import type { Protocol } from '../model.js';

/** One published-port record, as `docker stack deploy` turns a short port spec into (docker/cli opts/port.go). */
export interface ParsedPort {
  target: number;
  /** 0 when Docker picks the published port. */
  published: number;
  protocol: Protocol;
  hostIp?: string;
}

export type PortSpecResult = { ok: true; ports: ParsedPort[] } | { ok: false; error: string };

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);
/** A short spec expanding to more ports than this is refused (a typo like `1-65535` would list 65,535 ports). */
const MAX_EXPANSION = 4096;

function parseRange(text: string): { start: number; end: number } | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start > 65535 || end > 65535 || end < start) return undefined;
  return { start, end };
}

/**
 * Parses the short port syntax (`80`, `8080:80/udp`, `127.0.0.1:80:80`, `[::1]:80:80`, `8000-8010:80-90`,
 * `8000-8010:80`) like go-connections `nat.ParsePortSpec` followed by docker/cli's `ConvertPortToPortConfig`:
 * a host port range against one container port gives one record per host port, equal-length ranges pair up.
 */
export function parsePortSpec(spec: string | number): PortSpecResult {
  // nat.ParsePortSpec trims nothing: `" 80"` is refused.
  const raw = String(spec);
  if (raw === '') return { ok: false, error: 'no port specified' };
  let rest = raw;
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash !== -1) {
    protocol = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
    if (!PROTOCOLS.has(protocol)) return { ok: false, error: `invalid protocol${echoPortPart(protocol)} (tcp, udp or sctp)` };
  }
  let hostIp: string | undefined;
  let hostPart = '';
  let containerPart: string;
  // An IPv6 host address is bracketed: [::1]:8080:80.
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(.*)$/.exec(rest);
  if (v6) {
    hostIp = v6[1] ?? '';
    if (!isIPv6(hostIp)) return { ok: false, error: `invalid IP address${echoPortPart(hostIp)}` };
    const parts = (v6[2] ?? '').split(':');
    if (parts.length !== 2) return { ok: false, error: `invalid port spec${echoPortPart(raw)}` };
    hostPart = parts[0] ?? '';
    containerPart = parts[1] ?? '';
  } else {
    const parts = rest.split(':');
    if (parts.length === 1) containerPart = parts[0] ?? '';
    else if (parts.length === 2) {
      hostPart = parts[0] ?? '';
      containerPart = parts[1] ?? '';
    } else if (parts.length === 3) {
      hostIp = parts[0];
      hostPart = parts[1] ?? '';
      containerPart = parts[2] ?? '';
    } else return { ok: false, error: `invalid port spec${echoPortPart(raw)}` };
    if (hostIp !== undefined && hostIp !== '' && !isIPv4(hostIp)) return { ok: false, error: `invalid IP address${echoPortPart(hostIp)}` };
  }
  const container = parseRange(containerPart);
  if (!container || container.start === 0) return { ok: false, error: `invalid container port${echoPortPart(containerPart)}` };
  const out: ParsedPort[] = [];
  const proto = protocol as Protocol;
  const withIp = (p: ParsedPort): ParsedPort => (hostIp ? { ...p, hostIp } : p);
  if (hostPart === '') {
    if (container.end - container.start + 1 > MAX_EXPANSION)
      return { ok: false, error: `port range${echoPortPart(containerPart)} is too large` };
    for (let p = container.start; p <= container.end; p++) out.push(withIp({ target: p, published: 0, protocol: proto }));
    return { ok: true, ports: out };
  }
  const host = parseRange(hostPart);
  if (!host) return { ok: false, error: `invalid published port${echoPortPart(hostPart)}` };
  const hostLen = host.end - host.start + 1;
  const containerLen = container.end - container.start + 1;
  if (hostLen > MAX_EXPANSION) return { ok: false, error: `port range${echoPortPart(hostPart)} is too large` };
  if (containerLen === 1) {
    for (let p = host.start; p <= host.end; p++) out.push(withIp({ target: container.start, published: p, protocol: proto }));
    return { ok: true, ports: out };
  }
  if (hostLen !== containerLen)
    return {
      ok: false,
      error: `published range${echoPortPart(hostPart)} and container range${echoPortPart(containerPart)} differ in length`,
    };
  for (let i = 0; i < containerLen; i++) out.push(withIp({ target: container.start + i, published: host.start + i, protocol: proto }));
  return { ok: true, ports: out };
}

/** Go's time.ParseDuration syntax (`90s`, `1h30m`, `1.5h`, `0`), the `duration` format of the stack schema. */
export const GO_DURATION = /^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;
