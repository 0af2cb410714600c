/**
 * `iptables-save` / `ip6tables-save` output (either backend) read into the firewall model of
 * probes/host/firewall-eval.ts: the chains incoming packets pass (raw and mangle PREROUTING, mangle and filter INPUT),
 * each rule with a match over the packet and its target.
 */
import {
  chainKey,
  countReachable,
  type Action,
  type Chain,
  type MatchResult,
  type Packet,
  type Rule,
  type Ruleset,
} from '../host/firewall-eval.js';
import { inPrefix, inRange } from './address.js';

/** Splits a saved rule into words; iptables-save quotes words with spaces (`--comment "a b"`). */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[0]);
  return out;
}

interface Option {
  name: string;
  negated: boolean;
  values: string[];
}

interface Parsed {
  chain: string;
  /** Options outside any module (`-s`, `-p`, `-i`, …). */
  main: Option[];
  modules: { name: string; options: Option[] }[];
  target?: { name: string; goto: boolean; options: Option[] };
}

/** Options that take no value. */
const FLAGS = new Set(['--syn', '-f', '--fragment', '--rsource', '--rdest', '--update', '--set', '--rcheck', '--remove', '--invert']);
/** Options that take two values. */
const TWO_VALUES = new Set(['--tcp-flags', '--match-set']);

/** A rule line (`-A CHAIN …`) into its options, modules and target. */
export function parseRuleLine(line: string): Parsed | undefined {
  const words = tokenize(line);
  if (words[0] !== '-A' || !words[1]) return undefined;
  const parsed: Parsed = { chain: words[1], main: [], modules: [] };
  let section: Option[] = parsed.main;
  let negated = false;
  const rest = words.slice(2);
  for (let w = rest.shift(); w !== undefined; w = rest.shift()) {
    if (w === '!') {
      negated = true;
      continue;
    }
    if (!w.startsWith('-')) continue; // a stray value: skipped rather than misread
    const values: string[] = [];
    const wanted = FLAGS.has(w) ? 0 : TWO_VALUES.has(w) ? 2 : 1;
    for (let next = rest[0]; values.length < wanted && next !== undefined && next !== '!' && !/^-[-a-zA-Z]/.test(next); next = rest[0]) {
      values.push(next);
      rest.shift();
    }
    if (w === '-m' || w === '--match') {
      const module = { name: values.join(''), options: [] as Option[] };
      parsed.modules.push(module);
      section = module.options;
      continue;
    }
    if (w === '-j' || w === '--jump' || w === '-g' || w === '--goto') {
      parsed.target = { name: values.join(''), goto: w === '-g' || w === '--goto', options: [] };
      section = parsed.target.options;
      continue;
    }
    section.push({ name: w, negated, values });
    negated = false;
  }
  return parsed;
}

const yes: MatchResult = { result: 'yes' };
const no: MatchResult = { result: 'no' };
const maybe = (why: string): MatchResult => ({ result: 'maybe', why });
const tri = (b: boolean | undefined, why: string): MatchResult => (b === undefined ? maybe(why) : b ? yes : no);
const not = (m: MatchResult, negated: boolean): MatchResult => (!negated || m.result === 'maybe' ? m : m.result === 'yes' ? no : yes);

/** `0x0>>0x16&0x3c@0xc&0xffffff00=0x100100`: the 24-bit VNI of the VXLAN header after the UDP header. */
const DOCKER_VNI_MATCH = /^0x0>>0x16&0x3c@0xc&0xffffff00=0x[0-9a-f]+$/i;

const PROTOCOL_NUMBERS: Record<string, string> = { '6': 'tcp', '17': 'udp', '50': 'esp' };

function protocolMatch(value: string, packet: Packet): MatchResult {
  const p = PROTOCOL_NUMBERS[value] ?? value.toLowerCase();
  if (p === 'all' || p === '0') return yes;
  return p === packet.protocol ? yes : no;
}

/** `22`, `1000:2000`, `:1024`, `1024:`; for multiport a comma list of those. */
function portIn(spec: string, port: number | undefined): boolean {
  if (port === undefined) return false;
  return spec.split(',').some((part) => {
    const [lo, hi] = part.split(':');
    if (hi === undefined) return Number(lo) === port;
    return port >= (lo === '' ? 0 : Number(lo)) && port <= (hi === '' ? 65535 : Number(hi));
  });
}

function addressIn(list: string, address: string | undefined, what: string): MatchResult {
  if (address === undefined) return maybe(`${what} not known`);
  const results = list.split(',').map((p) => inPrefix(address, p));
  if (results.includes(true)) return yes;
  return results.includes(undefined) ? maybe(`cannot read ${list}`) : no;
}

/** `eth+` matches every name that starts with `eth`. */
function interfaceMatch(pattern: string, name: string | undefined): MatchResult {
  if (name === undefined) return maybe('the interface the packet arrives on is not known');
  return (pattern.endsWith('+') ? name.startsWith(pattern.slice(0, -1)) : name === pattern) ? yes : no;
}

function mainOption(o: Option, packet: Packet): MatchResult {
  const v = o.values[0] ?? '';
  switch (o.name) {
    case '-p':
    case '--protocol':
      return not(protocolMatch(v, packet), o.negated);
    case '-s':
    case '--source':
      return not(addressIn(v, packet.source, 'source'), o.negated);
    case '-d':
    case '--destination':
      return not(addressIn(v, packet.destination, "this host's address towards the peer"), o.negated);
    case '-i':
    case '--in-interface':
      return not(interfaceMatch(v, packet.inInterface), o.negated);
    case '-o':
    case '--out-interface':
    case '-f':
    case '--fragment':
      // Incoming packets have no output interface; first packets are not fragments.
      return not(no, o.negated);
    default:
      return maybe(`option ${o.name}`);
  }
}

/** TCP flags of a SYN, for `--syn` and `--tcp-flags MASK COMP`. */
function tcpFlags(mask: string, comparison: string): boolean {
  const set = (s: string): Set<string> =>
    new Set(s === 'ALL' ? ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG'] : s === 'NONE' ? [] : s.split(','));
  const m = set(mask);
  const c = set(comparison);
  return [...m].every((flag) => (flag === 'SYN') === c.has(flag));
}

/** New packets only: conntrack sees them as NEW. */
const stateMatch = (list: string): boolean => list.split(',').includes('NEW');

function moduleOption(module: string, o: Option, packet: Packet): MatchResult {
  const v = o.values[0] ?? '';
  const n = o.negated;
  switch (`${module} ${o.name}`) {
    case 'tcp --dport':
    case 'tcp --destination-port':
    case 'udp --dport':
    case 'udp --destination-port':
    case 'multiport --dports':
    case 'multiport --destination-ports':
      return not(portIn(v, packet.port) ? yes : no, n);
    case 'multiport --ports':
      // Source or destination port: the destination decides when it is in the list.
      return portIn(v, packet.port) ? not(yes, n) : maybe(`the source port (${o.name} ${v})`);
    case 'tcp --syn':
      return not(yes, n);
    case 'tcp --tcp-flags':
      return not(tcpFlags(v, o.values[1] ?? '') ? yes : no, n);
    case 'conntrack --ctstate':
    case 'state --state':
      return not(stateMatch(v) ? yes : no, n);
    case 'comment --comment':
    case 'addrtype --limit-iface-in':
      return yes;
    case 'addrtype --dst-type':
      return not(v.split(',').some((t) => t === 'LOCAL' || t === 'UNICAST') ? yes : no, n);
    case 'addrtype --src-type':
      return not(v.split(',').includes('UNICAST') ? yes : no, n);
    case 'pkttype --pkt-type':
      return not(v === 'unicast' || v === 'host' ? yes : no, n);
    case 'policy --dir':
      return v === 'in' ? yes : no;
    case 'policy --pol':
      // Probe packets and swarm traffic arrive in the clear (ESP itself is not IPsec-decapsulated yet).
      return not(v === 'none' ? yes : no, n);
    case 'iprange --src-range': {
      const [from = '', to = ''] = v.split('-');
      return not(tri(inRange(packet.source, from, to), `cannot read ${v}`), n);
    }
    case 'iprange --dst-range': {
      const [from = '', to = ''] = v.split('-');
      if (packet.destination === undefined) return maybe("this host's address towards the peer not known");
      return not(tri(inRange(packet.destination, from, to), `cannot read ${v}`), n);
    }
    case 'u32 --u32':
      // Docker's match on the VXLAN network identifier (libnetwork's matchVXLAN): it picks the traffic of one
      // encrypted overlay, not the port. The rules that use it drop that network's VXLAN unless IPsec protected it.
      return DOCKER_VNI_MATCH.test(v) ? no : maybe(`-m u32 --u32 ${v}`);
    case 'rpfilter --invert':
      // A peer's packets come in by the interface that routes back to it: the reverse-path check passes.
      return no;
    default:
      return maybe(`-m ${module} ${o.negated ? '! ' : ''}${o.name}${o.values.length ? ` ${o.values.join(' ')}` : ''}`);
  }
}

function ruleMatch(parsed: Parsed): (packet: Packet) => MatchResult {
  return (packet) => {
    let why: string | undefined;
    const all: MatchResult[] = parsed.main.map((o) => mainOption(o, packet));
    for (const module of parsed.modules) {
      // A protocol module (`-m tcp`) itself requires that protocol.
      if ((module.name === 'tcp' || module.name === 'udp' || module.name === 'esp') && packet.protocol !== module.name) all.push(no);
      for (const o of module.options) all.push(moduleOption(module.name, o, packet));
    }
    for (const m of all) {
      if (m.result === 'no') return no;
      if (m.result === 'maybe') why ??= m.why;
    }
    return why === undefined ? yes : maybe(why);
  };
}

/** Targets that let the packet go on to the next rule. */
const CONTINUING = new Set([
  'LOG',
  'NFLOG',
  'ULOG',
  'MARK',
  'CONNMARK',
  'CT',
  'NOTRACK',
  'TRACE',
  'AUDIT',
  'SET',
  'CLASSIFY',
  'DSCP',
  'TOS',
  'TTL',
  'HL',
  'TCPMSS',
  'CHECKSUM',
  'SECMARK',
  'CONNSECMARK',
  'IDLETIMER',
  'LED',
  'RATEEST',
  'TEE',
]);

function actionOf(parsed: Parsed, chains: Set<string>): Action {
  const target = parsed.target;
  if (!target) return { kind: 'continue' };
  switch (target.name) {
    case 'ACCEPT':
      return { kind: 'accept' };
    case 'DROP':
      return { kind: 'drop' };
    case 'REJECT':
      return { kind: 'reject' };
    case 'RETURN':
      return { kind: 'return' };
    default:
      if (chains.has(target.name)) return { kind: target.goto ? 'goto' : 'jump', chain: target.name };
      if (CONTINUING.has(target.name)) return { kind: 'continue' };
      return { kind: 'unknown', what: `target ${target.name}` };
  }
}

/** Where incoming packets pass, in order (iptables' fixed priorities: raw -300, mangle -150, filter 0). */
const INCOMING: readonly (readonly [string, string])[] = [
  ['raw', 'PREROUTING'],
  ['mangle', 'PREROUTING'],
  ['mangle', 'INPUT'],
  ['filter', 'INPUT'],
];

export interface SavedTables {
  ruleset: Ruleset;
  /** Table name → chain names, for telling which firewall manager wrote them (ufw-*, firewalld's IN_*). */
  chainNames: Map<string, string[]>;
  /** Rules in the chains incoming packets pass (0: nothing filters them). */
  incomingRules: number;
}

/** Reads `iptables-save` output. */
export function parseIptablesSave(text: string, source: string): SavedTables {
  const tables = new Map<string, Map<string, { policy?: string; rules: { line: string; parsed: Parsed }[] }>>();
  let table: Map<string, { policy?: string; rules: { line: string; parsed: Parsed }[] }> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) {
      table = new Map();
      tables.set(line.slice(1), table);
      continue;
    }
    if (!table) continue;
    const declared = /^:(\S+)\s+(\S+)/.exec(line);
    if (declared) table.set(declared[1] as string, { ...(declared[2] !== '-' ? { policy: declared[2] } : {}), rules: [] });
    const parsed = parseRuleLine(line);
    if (!parsed) continue;
    const chain = table.get(parsed.chain) ?? { rules: [] };
    chain.rules.push({ line, parsed });
    table.set(parsed.chain, chain);
  }
  const chains = new Map<string, Chain>();
  const chainNames = new Map<string, string[]>();
  for (const [tableName, t] of tables) {
    const names = new Set(t.keys());
    chainNames.set(tableName, [...names]);
    const prefix = tableName === 'filter' ? '' : `-t ${tableName} `;
    for (const [name, c] of t) {
      const rules: Rule[] = c.rules.map(({ line, parsed }) => ({
        text: `${prefix}${line}`,
        match: ruleMatch(parsed),
        action: actionOf(parsed, names),
      }));
      const policy = c.policy === 'DROP' ? 'drop' : c.policy === 'ACCEPT' ? 'accept' : undefined;
      chains.set(chainKey(tableName, name), {
        table: tableName,
        name,
        ...(policy ? { policy, policyText: `${prefix}-P ${name} ${policy.toUpperCase()}` } : {}),
        rules,
      });
    }
  }
  const base = INCOMING.map(([t, c]) => chains.get(chainKey(t, c))).filter((c): c is Chain => c !== undefined);
  const incomingRules = countReachable(base, chains);
  return { ruleset: { source, base, chains }, chainNames, incomingRules };
}
