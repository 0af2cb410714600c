/** This host's identity and privileges, and its engine, from what the kernel and the Engine API say. */
import type { FactsHost } from '../../language/facts-format.js';
import { obj, str } from './json.js';

/** CAP_NET_RAW is capability 13. */
const CAP_NET_RAW = 13n;

/** Whether `CapEff` in /proc/self/status holds CAP_NET_RAW (raw sockets: ICMP). */
export function hasCapNetRaw(status: string): boolean {
  const m = /^CapEff:\s*([0-9a-f]+)\s*$/im.exec(status);
  if (!m) return false;
  return ((BigInt(`0x${String(m[1])}`) >> CAP_NET_RAW) & 1n) === 1n;
}

/** The local engine from its `GET /info` answer: version, swarm state, role and data-path port. */
export function engineFacts(info: unknown): NonNullable<FactsHost['engine']> {
  const i = obj(info);
  const swarm = obj(i.Swarm);
  const state = str(swarm.LocalNodeState) || 'inactive';
  const dataPathPort = obj(swarm.Cluster).DataPathPort;
  return {
    version: str(i.ServerVersion),
    swarmState: state,
    ...(state === 'active' ? { role: swarm.ControlAvailable === true ? ('manager' as const) : ('worker' as const) } : {}),
    ...(typeof dataPathPort === 'number' && dataPathPort > 0 ? { dataPathPort } : {}),
  };
}
