import type { FirewallVerdict } from '../../language/model.js';

/** A local firewall verdict in words for a message: which firewall, what it does, from where, and by which rule. */
export function verdictWords(v: FirewallVerdict): { firewall: string; verdict: string; from: string; rule: string } {
  return {
    firewall: v.source || 'the firewall',
    verdict: v.verdict === 'reject' ? 'rejects' : 'drops',
    from: v.from === 'any' ? 'anywhere' : v.from,
    rule: v.rule ? `\`${v.rule}\`` : 'a rule the probe could not name',
  };
}

/** Does the verdict keep the traffic out (`unknown` does not say)? */
export function blocks(v: FirewallVerdict): boolean {
  return v.verdict === 'drop' || v.verdict === 'reject';
}
