/**
 * Probe: the path from this host to one peer. The route and interface towards it (`ip -j route get`), TCP
 * connects to 2377 (managers) and 7946, UDP probes of 7946 and the data-path port (proven by a responder's echo,
 * or closed by an ICMP port unreachable), an ICMP echo and the path MTU with DF set (net-ping). All at once.
 */
import type { FactsPeer } from '../../language/facts-format.js';
import { runCommand } from '../adapters/command.js';
import { dfPing, type PingOutcome } from '../adapters/ping.js';
import type { ProbeContext, ProbeResult } from '../context.js';
import { familyOf } from '../parse/address.js';
import { parseAddrShow, parseRouteGet } from '../parse/ip.js';
import { peerFacts, type IcmpRaw } from './peer-report.js';
import { searchPathMtu, type TryResult } from './pmtu.js';
import { tcpCheck, udpCheck } from './transport.js';

export interface PeerTarget {
  address: string;
  role: 'manager' | 'peer';
  /** The manager's control port (2377 unless `--manager ADDR:PORT` said otherwise). */
  controlPort: number;
}

export interface PeerProbeContext extends ProbeContext {
  gossipPort: number;
  dataPathPort: number;
  /** Whether raw ICMP sockets can be opened, and why not. */
  icmp: { ok: true } | { ok: false; reason: string };
}

/** The small echo sent first: 84 bytes, ping's default size. */
const ECHO_SIZE = 84;
/** Assumed when the interface towards the peer is not known. */
const DEFAULT_MTU = 1500;

export interface PeerProbe {
  peer: FactsPeer;
  family: 4 | 6;
  /** This host's address towards the peer (the route's preferred source). */
  local?: string;
}

async function routeTo(
  address: string,
  context: ProbeContext,
): Promise<{ device?: string; deviceMtu?: number; routeMtu?: number; local?: string }> {
  const options = { signal: context.signal, timeoutMs: context.timeoutMs };
  const got = await runCommand('ip', ['-j', 'route', 'get', address], options);
  const route = got.code === 0 ? parseRouteGet(got.stdout) : undefined;
  if (!route) return {};
  const link = await runCommand('ip', ['-j', 'link', 'show', 'dev', route.device], options);
  const mtu = link.code === 0 ? parseAddrShow(link.stdout)[0]?.mtu : undefined;
  return {
    device: route.device,
    ...(mtu ? { deviceMtu: mtu } : {}),
    ...(route.mtu !== undefined ? { routeMtu: route.mtu } : {}),
    ...(route.source ? { local: route.source } : {}),
  };
}

async function icmpProbe(address: string, family: 4 | 6, high: number, context: PeerProbeContext): Promise<IcmpRaw | { skipped: string }> {
  if (!context.icmp.ok) return { skipped: context.icmp.reason };
  const signal = context.signal;
  const echo = await dfPing({ target: address, family, size: ECHO_SIZE, timeoutMs: context.timeoutMs, signal });
  if (!echo.ok) return { echo };
  // Silence is the answer for sizes too large: wait a few round trips, not the whole timeout.
  const waitMs = Math.round(Math.min(context.timeoutMs, 1000, Math.max(150, 4 * echo.rttMs + 100)));
  const tryOne = async (size: number): Promise<TryResult> => {
    const outcome: PingOutcome = await dfPing({ target: address, family, size, timeoutMs: waitMs, signal });
    if (outcome.ok) return 'reply';
    return outcome.reason === 'too-big' || outcome.reason === 'unreachable' ? 'too-big' : 'no-reply';
  };
  const search = high > ECHO_SIZE ? await searchPathMtu(tryOne, { low: ECHO_SIZE, high, signal }) : undefined;
  return { echo, ...(search ? { search } : {}) };
}

export async function probePeer(target: PeerTarget, context: PeerProbeContext): Promise<ProbeResult<PeerProbe>> {
  const address = target.address;
  const family = familyOf(address) ?? 4;
  const route = await routeTo(address, context);
  const high = Math.min(route.deviceMtu ?? DEFAULT_MTU, route.routeMtu ?? Infinity);
  const check = { address, family, timeoutMs: context.timeoutMs, signal: context.signal };
  const tcpPorts = [...(target.role === 'manager' ? [target.controlPort] : []), context.gossipPort];
  const udpPorts = [...new Set([context.gossipPort, context.dataPathPort])];
  const [tcp, udp, icmp] = await Promise.all([
    Promise.all(tcpPorts.map(async (port) => ({ port, raw: await tcpCheck({ ...check, port }) }))),
    Promise.all(udpPorts.map(async (port) => ({ port, raw: await udpCheck({ ...check, port }) }))),
    icmpProbe(address, family, high, context),
  ]);
  const { peer, outcomes } = peerFacts({
    address,
    role: target.role,
    ...(route.device ? { device: route.device } : {}),
    ...(route.deviceMtu !== undefined ? { deviceMtu: route.deviceMtu } : {}),
    tcp,
    udp,
    icmp,
  });
  return { peer, family, ...(route.local ? { local: route.local } : {}), outcomes };
}
