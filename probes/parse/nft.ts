/**
 * nftables' ruleset (`nft -j list ruleset`, with the rule texts of `nft -a list ruleset`) read into the firewall
 * model of probes/host/firewall-eval.ts: the filter chains hooked at prerouting and input of the ip, ip6 and inet
 * families, in the order netfilter runs them.
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
  type Verdict,
} from '../host/firewall-eval.js';
import { inPrefix, inRange } from './address.js';
import { type Json, obj, arr, str, num } from './json.js';

const yes: MatchResult = { result: 'yes' };
const no: MatchResult = { result: 'no' };
const maybe = (why: string): MatchResult => ({ result: 'maybe', why });

/** `nft -a list ruleset`: `family table handle` → the rule as nft prints it (without the handle comment). */
export function parseRuleTexts(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let table = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (/^table \S+ \S+ \{/.test(line)) {
      table = line.slice('table '.length, line.indexOf(' {'));
      continue;
    }
    // Declarations (chains, sets, maps, …) open a block; rules do not.
    const r = /^(.*[^{\s])\s*# handle (\d+)$/.exec(line);
    if (!r) continue;
    const [rule, handle] = r.slice(1, 3) as [string, string];
    out.set(`${table} ${handle}`, rule);
  }
  return out;
}

/** A value the packet has for a left-hand expression, `undefined` when it cannot be known, `null` when the expression does not apply (another protocol). */
type Value = string | number | null | undefined;

/** IP protocol numbers by the names nft prints. */
const L4: Record<string, number> = {
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  'ipv6-icmp': 58,
  icmpv6: 58,
  comp: 108,
  sctp: 132,
  udplite: 136,
};

function leftValue(left: Json, packet: Packet): { value: Value; what: string } {
  const payload = obj(left.payload);
  if (left.payload !== undefined) {
    const protocol = str(payload.protocol);
    const field = str(payload.field);
    const what = `${protocol} ${field}`;
    if (protocol === 'ip' || protocol === 'ip6') {
      if ((protocol === 'ip' ? 4 : 6) !== packet.family) return { value: null, what };
      if (field === 'saddr') return { value: packet.source, what };
      if (field === 'daddr') return { value: packet.destination, what };
      if (field === 'protocol' || field === 'nexthdr') return { value: L4[packet.protocol], what };
      return { value: undefined, what };
    }
    if (protocol === 'th') {
      // The transport header: any protocol with ports.
      if (packet.protocol === 'esp') return { value: null, what };
      return field === 'dport' ? { value: packet.port, what } : { value: undefined, what: `the ${what}` };
    }
    // Any other header (tcp, udp, esp, icmp, icmpv6, sctp, …) is there only in packets of its protocol.
    if (protocol !== packet.protocol) return { value: null, what };
    if (field === 'dport') return { value: packet.port, what };
    return { value: undefined, what: `the ${what}` };
  }
  const meta = obj(left.meta);
  if (left.meta !== undefined) {
    const key = str(meta.key);
    const what = `meta ${key}`;
    switch (key) {
      case 'l4proto':
        return { value: L4[packet.protocol], what };
      case 'nfproto':
        return { value: packet.family === 4 ? 'ipv4' : 'ipv6', what };
      case 'protocol':
        return { value: packet.family === 4 ? 'ip' : 'ip6', what };
      case 'iifname':
      case 'iif':
        return { value: packet.inInterface, what: 'the interface the packet arrives on' };
      case 'oifname':
      case 'oif':
        return { value: '', what };
      case 'pkttype':
        return { value: 'host', what };
      default:
        return { value: undefined, what };
    }
  }
  if (left.ct !== undefined) {
    const key = str(obj(left.ct).key);
    if (key === 'state') return { value: 'new', what: 'ct state' };
    if (key === 'direction') return { value: 'original', what: 'ct direction' };
    // A peer's packet to this host's own address is neither NATed nor expected by a helper.
    if (key === 'status') return { value: 'none', what: 'ct status' };
    return { value: undefined, what: `ct ${key}` };
  }
  if (left.fib !== undefined) {
    const fib = obj(left.fib);
    const flags = arr(fib.flags).map(str);
    // `fib daddr type local`: the peer sends to this host. `fib saddr . iif oif missing`: the reverse path exists.
    if (str(fib.result) === 'type' && flags.includes('daddr')) return { value: 'local', what: 'fib daddr type' };
    if (str(fib.result) === 'oif' && flags.includes('saddr')) return { value: 'present', what: 'fib saddr oif' };
    return { value: undefined, what: 'a fib lookup' };
  }
  return { value: undefined, what: `expression ${Object.keys(left).join(',') || 'of unknown kind'}` };
}

/** Does one element of a right-hand side hold the value? */
function elementHolds(element: unknown, value: string | number, sets: Map<string, unknown[]>): boolean | undefined {
  // `fib … oif missing` compares with false: the packet's reverse path exists.
  if (typeof element === 'boolean') return element === (value === 'present');
  if (typeof element === 'number') return typeof value === 'number' ? element === value : undefined;
  if (typeof element === 'string') {
    if (typeof value === 'number') {
      if (element in L4) return L4[element] === value;
      return /^\d+$/.test(element) ? Number(element) === value : undefined;
    }
    if (element.endsWith('*') && !element.endsWith('\\*')) return value.startsWith(element.slice(0, -1));
    if (value.includes('.') || value.includes(':')) {
      const inside = inPrefix(value, element);
      if (inside !== undefined) return inside;
    }
    return element === value;
  }
  const e = obj(element);
  if (e.elem !== undefined) return elementHolds(obj(e.elem).val, value, sets);
  if (e.range !== undefined) {
    const [lo, hi] = arr(e.range);
    if (typeof value === 'number') return typeof lo === 'number' && typeof hi === 'number' ? value >= lo && value <= hi : undefined;
    return inRange(value, str(lo), str(hi));
  }
  if (e.prefix !== undefined) {
    const p = obj(e.prefix);
    return typeof value === 'string' ? inPrefix(value, `${str(p.addr)}/${String(p.len)}`) : undefined;
  }
  if (e.set !== undefined) return setHolds(arr(e.set), value, sets);
  return undefined;
}

function setHolds(elements: unknown[], value: string | number, sets: Map<string, unknown[]>): boolean | undefined {
  let unknown = false;
  for (const element of elements) {
    const held = elementHolds(element, value, sets);
    if (held === true) return true;
    if (held === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}

/** The elements a right-hand side stands for: a value, a list (ct state), an anonymous set or a named one. */
function rightElements(right: unknown, sets: Map<string, unknown[]>): unknown[] | undefined {
  if (typeof right === 'string' && right.startsWith('@')) return sets.get(right.slice(1));
  if (Array.isArray(right)) return right as unknown[];
  const r = obj(right);
  if (r.set !== undefined) return arr(r.set);
  return [right];
}

function matchOf(m: Json, packet: Packet, sets: Map<string, unknown[]>): MatchResult {
  const op = str(m.op) || '==';
  const { value, what } = leftValue(obj(m.left), packet);
  if (value === null) return no;
  if (value === undefined) return maybe(what);
  if (['<', '>', '<=', '>='].includes(op)) {
    const bound = num(m.right);
    if (typeof value !== 'number' || bound === undefined) return maybe(what);
    const ok = op === '<' ? value < bound : op === '>' ? value > bound : op === '<=' ? value <= bound : value >= bound;
    return ok ? yes : no;
  }
  const elements = rightElements(m.right, sets);
  if (!elements) return maybe(`${what}: set ${str(m.right)} not found`);
  const held = setHolds(elements, value, sets);
  if (held === undefined) return maybe(what);
  // `in` tests flags (ct state in {established, related}); for one value it is membership too.
  return (op === '!=') !== held ? yes : no;
}

function verdictAction(statement: Json): Action | undefined {
  if ('accept' in statement) return { kind: 'accept' };
  if ('drop' in statement) return { kind: 'drop' };
  if ('reject' in statement) return { kind: 'reject' };
  if ('return' in statement) return { kind: 'return' };
  if ('continue' in statement) return { kind: 'continue' };
  if ('jump' in statement) return { kind: 'jump', chain: str(obj(statement.jump).target) };
  if ('goto' in statement) return { kind: 'goto', chain: str(obj(statement.goto).target) };
  if ('queue' in statement) return { kind: 'unknown', what: 'queued to a program that decides' };
  return undefined;
}

/** Statements that neither match nor decide. */
const PASSIVE = new Set([
  'counter',
  'log',
  'mangle',
  'notrack',
  'set',
  'meta',
  'ct helper',
  'ct timeout',
  'ct expectation',
  'dup',
  'fwd',
  'snat',
  'dnat',
  'masquerade',
  'redirect',
  'tproxy',
  'synproxy',
  'reset',
  'secmark',
  'flow',
  'xt',
]);

/**
 * One nft rule as rules of the model: a verdict map (`iifname vmap { "eth1" : jump zone_public }`) becomes one
 * rule per element, so that each has one action.
 */
function rulesOf(expressions: unknown[], text: string, sets: Map<string, unknown[]>): Rule[] {
  const matches: ((packet: Packet) => MatchResult)[] = [];
  let action: Action = { kind: 'continue' };
  const expanded: Rule[] = [];
  for (const e of expressions) {
    const x = obj(e);
    if (x.match !== undefined) {
      const m = obj(x.match);
      matches.push((packet) => matchOf(m, packet, sets));
      continue;
    }
    if (x.limit !== undefined || x.quota !== undefined) {
      matches.push(() => maybe(x.limit !== undefined ? 'a rate limit' : 'a quota'));
      continue;
    }
    if (x.xt !== undefined) {
      const xt = obj(x.xt);
      if (str(xt.type) === 'match' && str(xt.name) !== 'comment')
        matches.push(() => maybe(`iptables match ${str(xt.name)} (iptables-nft)`));
      if (str(xt.type) === 'target') action = { kind: 'unknown', what: `iptables target ${str(xt.name)} (iptables-nft)` };
      continue;
    }
    if (x.vmap !== undefined) {
      const vmap = obj(x.vmap);
      const key = obj(vmap.key);
      const data = vmap.data;
      const pairs = typeof data === 'string' && data.startsWith('@') ? (sets.get(data.slice(1)) ?? []) : arr(obj(data).set);
      const before = [...matches];
      for (const pair of pairs) {
        const [k, verdict] = arr(Array.isArray(pair) ? pair : obj(obj(pair).elem).val);
        const act = verdictAction(obj(verdict));
        if (!act) continue;
        const keyMatch = (packet: Packet): MatchResult => matchOf({ op: '==', left: key, right: { set: [k] } }, packet, sets);
        expanded.push({ text, match: combine([...before, keyMatch]), action: act });
      }
      return expanded;
    }
    const verdict = verdictAction(x);
    if (verdict) {
      action = verdict;
      continue;
    }
    const kind = Object.keys(x)[0] ?? '';
    if (!PASSIVE.has(kind)) matches.push(() => maybe(`statement ${kind}`));
  }
  return [{ text, match: combine(matches), action }];
}

function combine(matches: ((packet: Packet) => MatchResult)[]): (packet: Packet) => MatchResult {
  return (packet) => {
    let why: string | undefined;
    for (const m of matches) {
      const r = m(packet);
      if (r.result === 'no') return no;
      if (r.result === 'maybe') why ??= r.why;
    }
    return why === undefined ? yes : maybe(why);
  };
}

export interface NftRuleset {
  ruleset: Ruleset;
  /** `family name` of every table, for telling which firewall manager wrote it (`inet firewalld`). */
  tables: string[];
  /** Rules in the chains incoming packets pass. */
  incomingRules: number;
}

/**
 * Reads `nft -j list ruleset`. `skip` names tables (`ip filter`) to leave out because another reader covers them:
 * the tables iptables-nft made, which `iptables-nft-save` prints in its own terms.
 */
export function parseNftRuleset(json: string, texts: Map<string, string>, skip: ReadonlySet<string> = new Set()): NftRuleset {
  let items: unknown[];
  try {
    items = arr(obj(JSON.parse(json)).nftables);
  } catch {
    items = [];
  }
  const sets = new Map<string, Map<string, unknown[]>>();
  const chains = new Map<string, Chain>();
  const base: { chain: Chain; order: number; prio: number }[] = [];
  const tables: string[] = [];
  const wanted = (family: string, table: string): boolean => ['ip', 'ip6', 'inet'].includes(family) && !skip.has(`${family} ${table}`);
  for (const item of items) {
    const it = obj(item);
    if (it.table !== undefined) tables.push(`${str(obj(it.table).family)} ${str(obj(it.table).name)}`);
    const set = obj(it.set ?? it.map);
    if (it.set !== undefined || it.map !== undefined) {
      const key = `${str(set.family)} ${str(set.table)}`;
      const byName = sets.get(key) ?? new Map<string, unknown[]>();
      byName.set(str(set.name), arr(set.elem));
      sets.set(key, byName);
    }
    const c = obj(it.chain);
    if (it.chain === undefined || !wanted(str(c.family), str(c.table))) continue;
    const table = `${str(c.family)} ${str(c.table)}`;
    const policy = str(c.policy) as Verdict | '';
    const hooked = str(c.type) === 'filter' && ['prerouting', 'input'].includes(str(c.hook));
    const chain: Chain = {
      table,
      name: str(c.name),
      ...(str(c.family) === 'ip' ? { family: 4 as const } : str(c.family) === 'ip6' ? { family: 6 as const } : {}),
      ...(hooked
        ? { policy: policy === 'drop' ? 'drop' : 'accept', policyText: `table ${table} chain ${str(c.name)} policy ${policy || 'accept'}` }
        : {}),
      rules: [],
    };
    chains.set(chainKey(table, chain.name), chain);
    if (hooked) base.push({ chain, order: str(c.hook) === 'prerouting' ? 0 : 1, prio: num(c.prio) ?? 0 });
  }
  for (const item of items) {
    const r = obj(obj(item).rule);
    if (obj(item).rule === undefined) continue;
    const table = `${str(r.family)} ${str(r.table)}`;
    const chain = chains.get(chainKey(table, str(r.chain)));
    if (!chain) continue;
    const handle = String(num(r.handle) ?? '');
    const text = `table ${table} chain ${chain.name}: ${texts.get(`${table} ${handle}`) ?? `rule handle ${handle}`}`;
    chain.rules.push(...rulesOf(arr(r.expr), text, sets.get(table) ?? new Map<string, unknown[]>()));
  }
  base.sort((a, b) => a.order - b.order || a.prio - b.prio);
  const ordered = base.map((b) => b.chain);
  return { ruleset: { source: 'nftables', base: ordered, chains }, tables, incomingRules: countReachable(ordered, chains) };
}
