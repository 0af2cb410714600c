/**
 * The names of probes and their outcomes (`FactsOutcome.probe`), as one union type: a probe writes only these, and a
 * rule that looks for an outcome names it exactly. Documents read from disk may hold other names (older or newer
 * versions), so the facts format keeps `probe` a string; what swarmlint writes is a `ProbeId`.
 */

/** The Engine API calls the audit (and preflight's view of the manager) makes. */
export type EngineApiPart = 'info' | 'swarm' | 'nodes' | 'networks' | 'services' | 'tasks';

/** What preflight reads of this host. */
export type HostProbeId = 'host' | 'host/interfaces' | 'host/routes' | 'host/listeners' | 'host/kernel-modules' | 'host/engine';

/** The firewall probe, each ruleset it read (`firewall/iptables-nft/ipv6`) and the manager it found (ufw, firewalld). */
export type FirewallProbeId =
  | 'firewall'
  | 'firewall/nftables'
  | `firewall/${'iptables-legacy' | 'iptables-nft'}`
  | `firewall/${'iptables-legacy' | 'iptables-nft'}/ipv6`
  | `firewall/${'ufw' | 'firewalld'}`;

/** A path to a peer (by address): the whole probe, its ICMP and path MTU checks, one UDP port. */
export type PeerProbeId = `peer/${string}` | `peer/${string}/icmp` | `peer/${string}/path-mtu` | `peer/${string}/udp/${number}`;

export type ProbeId =
  | HostProbeId
  | FirewallProbeId
  | PeerProbeId
  /** Preflight: the peers were probed on another data-path port than the swarm's. */
  | 'peers/data-path-port'
  /** The audit's calls. */
  | `engine-api/${EngineApiPart}`
  /** Preflight's view of the manager (`--manager-docker-host`): the connection, then each call. */
  | 'manager/engine-api'
  | `manager/engine-api/${EngineApiPart}`
  /** The deep audit's steps (`audit --deep`). */
  | `deep/${string}`;

/** The outcome id of an Engine API call, made by the audit itself or, in preflight, through the manager. */
export function engineApiProbe(part: EngineApiPart, via: 'audit' | 'manager'): ProbeId {
  return via === 'audit' ? `engine-api/${part}` : `manager/engine-api/${part}`;
}
