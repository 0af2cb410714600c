/**
 * The local firewall's verdicts on swarm traffic from each peer: what the readings of probes/host/firewall.ts say about
 * 2377/tcp, 7946/tcp, 7946/udp, the data-path port/udp and ESP arriving from a peer's address on the interface
 * that routes to it. One verdict per ruleset that filters incoming packets (iptables-legacy, iptables-nft,
 * nftables), each with the rule that decides; ufw and firewalld are named as the source when the deciding rule is
 * theirs. Pure.
 */
import type { FactsFirewallVerdict } from '../../language/facts-format.js';
import type { FirewallProbeId } from '../../language/probe-ids.js';
import type { Outcome } from '../context.js';
import { evaluate, type Decision, type Packet, type Ruleset } from './firewall-eval.js';
import { parseIptablesSave } from '../parse/iptables.js';
import { iptablesBackend } from '../parse/kernel.js';
import { parseNftRuleset, parseRuleTexts } from '../parse/nft.js';

/** What one reading command gave: its output, or why there is none. */
export type Reading = { text: string } | { failure: string };

export interface FirewallReadings {
  /** `iptables -V`. */
  iptablesVersion?: Reading;
  /** `iptables-legacy-save`, `iptables-nft-save` and their ip6tables twins. */
  saves: { source: 'iptables-legacy' | 'iptables-nft'; family: 4 | 6; reading: Reading }[];
  /** `nft -j list ruleset` and `nft -a list ruleset`. */
  nft?: { json: Reading; text: Reading };
  /** ufw's and firewalld's own view, when installed: `ENABLED=yes` in /etc/ufw/ufw.conf, `firewall-cmd --state`. */
  managers: { name: 'ufw' | 'firewalld'; active: boolean; how: string }[];
}

/** A peer as the firewall sees its packets. */
export interface FirewallTarget {
  /** The peer's address, or `any`. */
  address: string;
  family: 4 | 6;
  /** The interface its packets arrive on, and this host's address on that path, when known. */
  device?: string;
  local?: string;
}

export interface SwarmPort {
  protocol: 'tcp' | 'udp' | 'esp';
  port?: number;
}

/** The ports swarm traffic from a peer arrives on: 2377/tcp, 7946/tcp+udp, the data-path port/udp, and ESP. */
export function swarmPorts(dataPathPort: number, controlPort = 2377): SwarmPort[] {
  return [
    { protocol: 'tcp', port: controlPort },
    { protocol: 'tcp', port: 7946 },
    { protocol: 'udp', port: 7946 },
    { protocol: 'udp', port: dataPathPort },
    { protocol: 'esp' },
  ];
}

interface Evaluated {
  ruleset: Ruleset;
  family: 4 | 6;
  /** Filters anything at all (rules, or a DROP policy). */
  active: boolean;
  /** Who wrote it, for naming the source: ufw, firewalld, or nobody known. */
  manager?: 'ufw' | 'firewalld';
}

const subjectOf = (source: string): string =>
  `whether ${source} lets swarm traffic in (2377/tcp, 7946/tcp+udp, the data-path port/udp, ESP)`;

function ufwOrFirewalld(chainNames: Map<string, string[]>): 'ufw' | 'firewalld' | undefined {
  const names = [...chainNames.values()].flat();
  if (names.some((n) => n.startsWith('ufw-') || n.startsWith('ufw6-'))) return 'ufw';
  if (names.some((n) => /^(INPUT_direct|INPUT_ZONES|IN_\w+)$/.test(n))) return 'firewalld';
  return undefined;
}

/** A reading refused for want of privileges is a check not made (run as root), not a failure of the probe. */
const PRIVILEGE = /permission denied|operation not permitted|you must be root/i;

function unread(probe: FirewallProbeId, failure: string, subject: string): Outcome {
  return PRIVILEGE.test(failure)
    ? { probe, status: 'skipped', reason: `reading it needs root (${failure})`, subject }
    : { probe, status: 'error', reason: failure, subject };
}

function rulesets(readings: FirewallReadings, outcomes: Outcome[], families: ReadonlySet<4 | 6>): Evaluated[] {
  const out: Evaluated[] = [];
  const iptablesNftTables = new Set<string>();
  for (const save of readings.saves) {
    const probe: FirewallProbeId = save.family === 6 ? `firewall/${save.source}/ipv6` : `firewall/${save.source}`;
    if ('failure' in save.reading) {
      // A backend that is not installed is not a gap; one that would not answer is.
      // Nor is one of a family no peer uses.
      if (!/is not installed/.test(save.reading.failure) && families.has(save.family)) {
        outcomes.push(unread(probe, save.reading.failure, subjectOf(save.source)));
      }
      continue;
    }
    const parsed = parseIptablesSave(save.reading.text, save.source);
    if (save.source === 'iptables-nft') {
      for (const table of parsed.chainNames.keys()) iptablesNftTables.add(`${save.family === 4 ? 'ip' : 'ip6'} ${table}`);
    }
    const manager = ufwOrFirewalld(parsed.chainNames);
    out.push({ ruleset: parsed.ruleset, family: save.family, active: parsed.incomingRules > 0, ...(manager ? { manager } : {}) });
  }
  if (readings.nft) {
    const { json, text } = readings.nft;
    if ('failure' in json) {
      if (!/is not installed/.test(json.failure)) outcomes.push(unread('firewall/nftables', json.failure, subjectOf('nftables')));
    } else {
      const texts = 'text' in text ? parseRuleTexts(text.text) : new Map<string, string>();
      const parsed = parseNftRuleset(json.text, texts, iptablesNftTables);
      const manager = parsed.tables.includes('inet firewalld') ? ('firewalld' as const) : undefined;
      // nftables rulesets hold both families (inet tables); ip and ip6 tables apply to theirs only.
      for (const family of [4, 6] as const) {
        out.push({ ruleset: parsed.ruleset, family, active: parsed.incomingRules > 0, ...(manager ? { manager } : {}) });
      }
    }
  }
  return out;
}

const portText = (p: SwarmPort): string => (p.port !== undefined ? `${String(p.port)}/${p.protocol}` : p.protocol);

function sourceOf(e: Evaluated, decision: Decision): string {
  if (e.manager === 'firewalld' && e.ruleset.source === 'nftables') return decision.table === 'inet firewalld' ? 'firewalld' : 'nftables';
  return e.manager ?? e.ruleset.source;
}

/**
 * The verdicts of every ruleset that filters incoming packets on every swarm port from every target. When no
 * ruleset filters anything, the verdict of the one iptables itself uses (or nftables) says so, with its policy.
 */
export function firewallVerdicts(
  readings: FirewallReadings,
  targets: readonly FirewallTarget[],
  ports: readonly SwarmPort[],
): { verdicts: FactsFirewallVerdict[]; outcomes: Outcome[]; backend?: string } {
  const outcomes: Outcome[] = [];
  const version = readings.iptablesVersion;
  const backend = version && 'text' in version ? iptablesBackend(version.text) : undefined;
  for (const m of readings.managers)
    outcomes.push({ probe: `firewall/${m.name}`, status: 'ok', reason: `${m.active ? 'active' : 'inactive'} (${m.how})` });
  const all = rulesets(readings, outcomes, new Set(targets.map((t) => t.family)));
  const verdicts: FactsFirewallVerdict[] = [];
  for (const target of targets) {
    const mine = all.filter((e) => e.family === target.family);
    let chosen = mine.filter((e) => e.active);
    if (chosen.length === 0) {
      const preferred = backend === 'legacy' ? 'iptables-legacy' : backend === 'nf_tables' ? 'iptables-nft' : 'nftables';
      const fallback = mine.find((e) => e.ruleset.source === preferred) ?? mine[0];
      chosen = fallback ? [fallback] : [];
    }
    for (const e of chosen) {
      for (const port of ports) {
        const packet: Packet = {
          family: target.family,
          protocol: port.protocol,
          ...(port.port !== undefined ? { port: port.port } : {}),
          source: target.address === 'any' ? (target.family === 4 ? '0.0.0.0' : '::') : target.address,
          ...(target.local ? { destination: target.local } : {}),
          ...(target.device ? { inInterface: target.device } : {}),
        };
        const decision = evaluate(e.ruleset, packet);
        verdicts.push({
          protocol: port.protocol,
          ...(port.port !== undefined ? { port: port.port } : {}),
          from: target.address,
          verdict: decision.verdict,
          rule: decision.rule,
          source: sourceOf(e, decision),
        });
      }
    }
  }
  if (all.length === 0 && !outcomes.some((o) => o.status === 'error')) {
    outcomes.push({
      probe: 'firewall',
      status: 'skipped',
      reason: 'neither iptables nor nft is installed',
      subject: `whether this host's firewall lets swarm traffic in (${ports.map(portText).join(', ')})`,
    });
  }
  return { verdicts, outcomes, ...(backend ? { backend } : {}) };
}
