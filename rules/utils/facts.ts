import type { Facts, Network } from '../../language/model.js';
import { engineApiProbe, type EngineApiPart } from '../../language/probe-ids.js';

/** Did the facts document get this part of the Engine API (e.g. `networks`)? False when the call failed. */
export function answered(facts: Facts, part: EngineApiPart): boolean {
  if (facts.kind !== 'audit') return false;
  const probe = engineApiProbe(part, 'audit');
  return !facts.outcomes.some((o) => o.probe === probe && o.status !== 'ok');
}

/**
 * Does a preflight document hold the manager's answer for this part (its Engine API was read with
 * `--manager-docker-host`)? Yes when its `manager/engine-api/<part>` outcome (or an audit's `engine-api/<part>`)
 * says ok, or when the part holds something and no such outcome failed: a swarm always has networks (ingress) and
 * nodes (the manager itself). An audit's own answers are `answered`'s.
 */
export function managerAnswered(facts: Facts, part: 'nodes' | 'networks'): boolean {
  const ids = new Set<string>([engineApiProbe(part, 'audit'), engineApiProbe(part, 'manager')]);
  const outcomes = facts.outcomes.filter((o) => ids.has(o.probe));
  if (outcomes.some((o) => o.status !== 'ok')) return false;
  return outcomes.length > 0 || facts[part].length > 0;
}

/** The swarm's encrypted overlay networks, and whether the document says which networks the swarm has at all. */
export interface SwarmEncryption {
  known: boolean;
  networks: Network[];
}

export function swarmEncryption(facts: Facts): SwarmEncryption {
  const known = facts.kind === 'audit' ? answered(facts, 'networks') : managerAnswered(facts, 'networks');
  return { known, networks: known ? facts.networks.filter((n) => n.driver === 'overlay' && n.encrypted) : [] };
}
