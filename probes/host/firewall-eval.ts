/**
 * What a host firewall does with one packet: the rulesets of iptables (either backend) and nftables, read into
 * one small model (chains of rules, each a match and an action) and walked the way netfilter walks them.
 *
 * A match is `yes`, `no` or `maybe`: `maybe` when it depends on something a probe cannot know (an ipset, a rate
 * limit, a u32 expression, a mark). A `maybe` rule is not taken, but if taking it would have ended in another
 * verdict than the one reached, the verdict is `unknown` and names that rule. Pure: no I/O.
 */

/** A packet from a peer to this host, at its first packet (conntrack state NEW; a TCP SYN). */
export interface Packet {
  family: 4 | 6;
  protocol: 'tcp' | 'udp' | 'esp';
  /** Destination port (TCP and UDP). */
  port?: number;
  /** The peer's address. */
  source: string;
  /** This host's address the peer sends to, when known. */
  destination?: string;
  /** The interface the packet arrives on, when known. */
  inInterface?: string;
}

/** For `maybe`, `why` says what cannot be known (`-m set`, `ip saddr @blocklist`). */
export type MatchResult = { result: 'yes' | 'no' } | { result: 'maybe'; why: string };

export type Verdict = 'accept' | 'drop' | 'reject';

export type Action =
  | { kind: Verdict }
  | { kind: 'return' }
  | { kind: 'jump' | 'goto'; chain: string }
  /** A statement that does not end the walk (LOG, counter, MARK). */
  | { kind: 'continue' }
  /** An action whose effect cannot be known (NFQUEUE: a program decides). */
  | { kind: 'unknown'; what: string };

export interface Rule {
  /** The rule as the firewall prints it. */
  text: string;
  match(packet: Packet): MatchResult;
  action: Action;
}

export interface Chain {
  /** Chains are looked up by name within their table. */
  table: string;
  /** The only address family the chain sees (nftables `ip` and `ip6` tables); absent: both. */
  family?: 4 | 6;
  name: string;
  /** Base chains only. */
  policy?: Verdict;
  /** How the policy is printed (`-P INPUT DROP`, `table inet filter chain input policy drop`). */
  policyText?: string;
  rules: Rule[];
}

export interface Ruleset {
  /** `iptables-nft`, `iptables-legacy`, `nftables`. */
  source: string;
  /** The chains a packet to this host passes through, in order (prerouting before input, then by priority). */
  base: Chain[];
  chains: Map<string, Chain>;
}

export const chainKey = (table: string, name: string): string => `${table}\u0000${name}`;

export interface Decision {
  verdict: Verdict | 'unknown';
  /** The rule (or policy) that decides; for `unknown`, also why. */
  rule: string;
  /** The table of the deciding rule, for telling which firewall manager wrote it. */
  table?: string;
  chain?: string;
}

interface Maybe {
  rule: string;
  why: string;
  /** What taking the rule would have led to. */
  outcome: Verdict | 'unknown';
}

type Walk =
  { end: 'verdict'; verdict: Verdict | 'unknown'; rule: string; table: string; chain: string } | { end: 'return' } | { end: 'fallthrough' };

const MAX_DEPTH = 64;
const blocks = (v: Verdict | 'unknown'): boolean => v === 'drop' || v === 'reject';

class Walker {
  readonly maybes: Maybe[] = [];
  constructor(
    readonly ruleset: Ruleset,
    readonly packet: Packet,
  ) {}

  /** Walks a chain; `return` and the end of a chain that was jumped to give control back to the caller. */
  walk(chain: Chain, depth: number): Walk {
    if (depth > MAX_DEPTH) {
      return {
        end: 'verdict',
        verdict: 'unknown',
        rule: `chains nested deeper than ${String(MAX_DEPTH)} (a loop?)`,
        table: chain.table,
        chain: chain.name,
      };
    }
    for (const rule of chain.rules) {
      const m = rule.match(this.packet);
      if (m.result === 'no') continue;
      const taken = this.take(rule, chain, depth);
      if (m.result === 'maybe') {
        // Not taken; remember where taking it would have led.
        const outcome = taken.end === 'verdict' ? taken.verdict : taken.end === 'return' ? 'unknown' : undefined;
        if (outcome !== undefined) this.maybes.push({ rule: rule.text, why: m.why, outcome });
        continue;
      }
      if (taken.end === 'fallthrough') continue;
      return taken;
    }
    return { end: 'fallthrough' };
  }

  /** What taking a rule's action leads to. `fallthrough` means: go on with the next rule. */
  take(rule: Rule, chain: Chain, depth: number): Walk {
    const action = rule.action;
    switch (action.kind) {
      case 'accept':
      case 'drop':
      case 'reject':
        return { end: 'verdict', verdict: action.kind, rule: rule.text, table: chain.table, chain: chain.name };
      case 'unknown':
        return { end: 'verdict', verdict: 'unknown', rule: `${rule.text} (${action.what})`, table: chain.table, chain: chain.name };
      case 'return':
        return { end: 'return' };
      case 'continue':
        return { end: 'fallthrough' };
      case 'jump':
      case 'goto': {
        const target = this.ruleset.chains.get(chainKey(chain.table, action.chain));
        if (!target) {
          return {
            end: 'verdict',
            verdict: 'unknown',
            rule: `${rule.text} (no chain ${action.chain})`,
            table: chain.table,
            chain: chain.name,
          };
        }
        const sub = this.walk(target, depth + 1);
        if (sub.end === 'verdict') return sub;
        // The end of a jumped-to chain returns to the rule after the jump; after a goto, to the caller's caller.
        return action.kind === 'goto' ? { end: 'return' } : { end: 'fallthrough' };
      }
    }
  }
}

/** The fate of a packet in one ruleset, and the rule (or policy) that decides it. */
export function evaluate(ruleset: Ruleset, packet: Packet): Decision {
  const walker = new Walker(ruleset, packet);
  let decision: Decision | undefined;
  for (const chain of ruleset.base) {
    if (chain.family !== undefined && chain.family !== packet.family) continue;
    const walked = walker.walk(chain, 0);
    let step: Decision;
    if (walked.end === 'verdict') step = { verdict: walked.verdict, rule: walked.rule, table: walked.table, chain: walked.chain };
    else {
      const policy = chain.policy ?? 'accept';
      step = {
        verdict: policy,
        rule: chain.policyText ?? `policy ${policy} of ${chain.table} ${chain.name}`,
        table: chain.table,
        chain: chain.name,
      };
    }
    // An accept ends this chain only: the next base chain still sees the packet. Anything else is final.
    decision = step;
    if (step.verdict !== 'accept') break;
  }
  if (!decision) return { verdict: 'accept', rule: `no ${ruleset.source} chain sees incoming packets` };
  const final = decision;
  const conflicting = walker.maybes.find((m) => m.outcome !== final.verdict && !(blocks(m.outcome) && blocks(final.verdict)));
  if (!conflicting) return final;
  return {
    ...final,
    verdict: 'unknown',
    rule: `${conflicting.rule} would ${conflicting.outcome === 'unknown' ? 'change the outcome' : conflicting.outcome} for some packets (${conflicting.why}); the others: ${final.rule}`,
  };
}

/** Rules in the base chains and every chain they jump to; a ruleset without any, and with ACCEPT policies, filters nothing. */
export function countReachable(base: readonly Chain[], chains: ReadonlyMap<string, Chain>): number {
  const seen = new Set<Chain>();
  const visit = (c: Chain): number => {
    if (seen.has(c)) return 0;
    seen.add(c);
    let count = c.rules.length + (c.policy === 'drop' || c.policy === 'reject' ? 1 : 0);
    for (const r of c.rules) {
      if (r.action.kind === 'jump' || r.action.kind === 'goto') {
        const target = chains.get(chainKey(c.table, r.action.chain));
        if (target) count += visit(target);
      }
    }
    return count;
  };
  return base.reduce((sum, c) => sum + visit(c), 0);
}
