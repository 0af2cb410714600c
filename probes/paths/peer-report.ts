/**
 * What the checks of one peer prove, as facts: each port's state and how it was found out, the path MTU, and an
 * outcome for everything that could not be proven (UDP without a responder, ICMP without CAP_NET_RAW). Pure.
 *
 * UDP is the hard part: a datagram that gets no answer may have arrived (nothing answers UDP by itself) or may
 * have been dropped. Only an ICMP "port unreachable" (closed) or a responder's echo (open, both ways) is proof.
 * When a responder answers on some ports of the peer but not on another it could bind, that port is filtered.
 */
import type { FactsPeer, FactsPortCheck } from '../../language/facts-format.js';
import type { PeerProbeId } from '../../language/probe-ids.js';
import type { Outcome } from '../context.js';
import { specText, type PortSpec } from './echo-protocol.js';
import type { SearchResult } from './pmtu.js';
import type { TcpRaw, UdpRaw } from './transport.js';

export interface IcmpRaw {
  /** The small echo first sent. */
  echo: { ok: true; rttMs: number } | { ok: false; reason: string; message: string };
  /** The path MTU search, when the echo got a reply. */
  search?: SearchResult;
}

export interface PeerRaw {
  address: string;
  role: 'manager' | 'peer';
  device?: string;
  deviceMtu?: number;
  tcp: { port: number; raw: TcpRaw }[];
  udp: { port: number; raw: UdpRaw }[];
  icmp: IcmpRaw | { skipped: string };
}

const ms = (n: number): string => `${String(Math.round(n))} ms`;

/** Errors that mean a firewall (here or on the way) refused the packet rather than the probe failing. */
const BLOCKED = new Set(['EPERM', 'EACCES', 'EHOSTUNREACH', 'ENETUNREACH']);

function blockedDetail(code: string, message: string): string {
  if (code === 'EPERM' || code === 'EACCES') return `this host refused to send it (${code}): a local firewall rule on OUTPUT drops it`;
  return `${message} (an ICMP error: a firewall rejecting it, or no route)`;
}

function tcpCheck(port: number, raw: TcpRaw): FactsPortCheck {
  const base = { protocol: 'tcp' as const, port, method: 'connect' };
  switch (raw.kind) {
    case 'connected':
      return { ...base, state: 'open', detail: `connected in ${ms(raw.ms)}${raw.echo ? '; a swarmlint responder echoed the nonce' : ''}` };
    case 'refused':
      return { ...base, state: 'closed', detail: 'connection refused: nothing listens there, or a firewall rejects it' };
    case 'timeout':
      return { ...base, state: 'filtered', detail: 'no answer to the connection attempt before the timeout' };
    case 'error':
      return BLOCKED.has(raw.code)
        ? { ...base, state: 'filtered', detail: blockedDetail(raw.code, raw.message) }
        : { ...base, state: 'error', detail: raw.message };
  }
}

export function peerFacts(raw: PeerRaw): { peer: FactsPeer; outcomes: Outcome[] } {
  const outcomes: Outcome[] = [];
  const address = raw.address;
  const checks: FactsPortCheck[] = raw.tcp.map((t) => tcpCheck(t.port, t.raw));

  // What the responder on the peer showed of itself: where it answered, and which ports it could not bind.
  const echoes = [
    ...raw.tcp.map((t) => (t.raw.kind === 'connected' ? t.raw.echo : undefined)),
    ...raw.udp.map((u) => (u.raw.kind === 'echo' ? u.raw.echo : undefined)),
  ].filter((e) => e !== undefined);
  const answeredOn = echoes.map((e) => specText(e.to));
  const held: PortSpec[] = echoes.flatMap((e) => e.held);
  const isHeld = (port: number): boolean => held.some((h) => h.port === port && h.protocol === 'udp');

  for (const { port, raw: u } of raw.udp) {
    const base = { protocol: 'udp' as const, port };
    const probe: PeerProbeId = `peer/${address}/udp/${String(port)}`;
    const subject = `whether UDP ${String(port)} gets from this host to ${raw.role} ${address} and back`;
    switch (u.kind) {
      case 'echo':
        checks.push({ ...base, state: 'open', method: 'responder', detail: `the responder echoed the nonce in ${ms(u.ms)}` });
        break;
      case 'refused':
        checks.push({ ...base, state: 'closed', method: 'icmp-unreachable', detail: 'ICMP port unreachable: nothing listens there' });
        break;
      case 'error':
        checks.push(
          BLOCKED.has(u.code)
            ? { ...base, state: 'filtered', method: 'send', detail: blockedDetail(u.code, u.message) }
            : { ...base, state: 'error', method: 'send', detail: u.message },
        );
        break;
      case 'silence':
        if (echoes.length > 0 && !isHeld(port)) {
          checks.push({
            ...base,
            state: 'filtered',
            method: 'responder',
            detail: `no echo, while the responder on the peer answered on ${answeredOn.join(', ')}`,
          });
        } else if (echoes.length > 0) {
          checks.push({
            ...base,
            state: 'open-or-filtered',
            method: 'responder',
            detail: 'the responder on the peer could not bind this port',
          });
          outcomes.push({
            probe,
            status: 'skipped',
            reason: `the responder on ${address} could not bind udp/${String(port)}: another program holds it there (dockerd, or the kernel's VXLAN socket, once that host is in a swarm)`,
            subject,
          });
        } else {
          checks.push({
            ...base,
            state: 'open-or-filtered',
            method: 'icmp-unreachable',
            detail: 'no answer and no ICMP port unreachable; no responder',
          });
          outcomes.push({
            probe,
            status: 'skipped',
            reason: `no responder on ${address} (run \`swarmlint preflight --listen\` there): UDP silence proves nothing`,
            subject,
          });
        }
        break;
    }
  }

  let pathMtu: number | undefined;
  let pathMtuProbedUpTo: number | undefined;
  const icmp = raw.icmp;
  const mtuSubject = `ICMP echo and the path MTU (DF set) to ${raw.role} ${address}`;
  if ('skipped' in icmp) {
    outcomes.push({ probe: `peer/${address}/icmp`, status: 'skipped', reason: icmp.skipped, subject: mtuSubject });
  } else if (icmp.echo.ok) {
    checks.push({ protocol: 'icmp', state: 'open', method: 'echo', detail: `echo reply in ${ms(icmp.echo.rttMs)}` });
    if (icmp.search) {
      pathMtu = icmp.search.pathMtu;
      pathMtuProbedUpTo = icmp.search.probedUpTo;
      if (icmp.search.incomplete) {
        outcomes.push({
          probe: `peer/${address}/path-mtu`,
          status: 'skipped',
          reason: `the deadline stopped the search: ${String(pathMtu)} bytes got through, larger sizes were not all tried`,
          subject: `the path MTU to ${raw.role} ${address}`,
        });
      }
    }
  } else {
    const state = icmp.echo.reason === 'timeout' ? 'filtered' : 'error';
    checks.push({ protocol: 'icmp', state, method: 'echo', detail: icmp.echo.message });
    outcomes.push({
      probe: `peer/${address}/path-mtu`,
      status: 'skipped',
      reason: `no ICMP echo reply (${icmp.echo.message}), so no size can be measured`,
      subject: `the path MTU to ${raw.role} ${address}`,
    });
  }

  return {
    peer: {
      address,
      role: raw.role,
      ...(raw.device ? { device: raw.device } : {}),
      ...(raw.deviceMtu !== undefined ? { deviceMtu: raw.deviceMtu } : {}),
      checks,
      ...(pathMtu !== undefined ? { pathMtu } : {}),
      ...(pathMtuProbedUpTo !== undefined ? { pathMtuProbedUpTo } : {}),
    },
    outcomes,
  };
}
