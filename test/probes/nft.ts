// nftables rulesets (`nft -j list ruleset` with the texts of `nft -a list ruleset`), recorded from real rulesets
// (fixtures/host/README.md), evaluated for a peer's first packet.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { evaluate, type Packet } from '../../probes/host/firewall-eval.js';
import { parseNftRuleset, parseRuleTexts } from '../../probes/parse/nft.js';

const fixture = (scenario: string, file: string): string =>
  readFileSync(new URL(`../../fixtures/host/${scenario}/${file}`, import.meta.url), 'utf8');
const inetFilter = parseNftRuleset(fixture('nft-inet-filter', 'nft.json'), parseRuleTexts(fixture('nft-inet-filter', 'nft.txt')));
const packet = (source: string, protocol: Packet['protocol'], port?: number, inInterface = 'eth0'): Packet => ({
  family: source.includes(':') ? 6 : 4,
  protocol,
  ...(port !== undefined ? { port } : {}),
  source,
  destination: '198.18.0.104',
  inInterface,
});
const judge = (p: Packet) => evaluate(inetFilter.ruleset, p);

t.test('rule texts by table and handle', (t) => {
  const texts = parseRuleTexts(fixture('nft-inet-filter', 'nft.txt'));
  t.equal(texts.get('inet filter 14'), 'ip saddr @swarm_nodes udp dport { 4789, 7946 } accept');
  t.equal(texts.get('inet filter 1'), undefined, 'chains and sets are not rules');
  t.equal(texts.size, 15, 'every rule of the listing');
  t.end();
});

t.test('an inet filter table with a drop policy: named sets, anonymous sets, ranges, a verdict map, jump and goto', (t) => {
  t.same(inetFilter.tables, ['inet filter']);
  t.equal(
    inetFilter.incomingRules,
    17,
    'input 12 (the verdict map counts per element), zone_public 1, zone_internal 1, extra 2, and the drop policy',
  );
  const member = '198.18.9.2';
  const stranger = '198.18.0.101';
  t.same(judge(packet(member, 'udp', 4789)), {
    verdict: 'accept',
    rule: 'table inet filter chain input: ip saddr @swarm_nodes udp dport { 4789, 7946 } accept',
    table: 'inet filter',
    chain: 'input',
  });
  t.same(judge(packet(stranger, 'udp', 4789)), {
    verdict: 'drop',
    rule: 'table inet filter chain extra: ip saddr != 10.0.0.0/8 udp dport 4789 log prefix "vx " drop',
    table: 'inet filter',
    chain: 'extra',
  });
  t.same(judge(packet(stranger, 'tcp', 7946)), {
    verdict: 'drop',
    rule: 'table inet filter chain input policy drop',
    table: 'inet filter',
    chain: 'input',
  });
  t.equal(judge(packet(member, 'tcp', 7946)).verdict, 'accept');
  t.equal(judge(packet(stranger, 'tcp', 2377)).rule, 'table inet filter chain input: tcp dport { 22, 2377 } accept');
  t.equal(judge(packet(member, 'esp')).rule, 'table inet filter chain input: ip saddr 198.18.9.0/24 meta l4proto esp accept');
  t.equal(judge(packet(stranger, 'esp')).verdict, 'drop');
  t.equal(judge(packet(stranger, 'udp', 10050)).verdict, 'reject', 'a port range');
  t.equal(judge(packet(stranger, 'tcp', 80, 'eth1')).rule, 'table inet filter chain zone_public: tcp dport 80 accept', 'vmap: jump');
  t.equal(judge(packet(stranger, 'tcp', 81, 'eth2')).rule, 'table inet filter chain zone_internal: accept', 'vmap: goto');
  t.equal(judge(packet(stranger, 'tcp', 81, 'eth1')).verdict, 'drop', 'back from the jump: on to the policy');
  t.equal(judge(packet(stranger, 'tcp', 81, 'lo')).verdict, 'accept');
  t.equal(judge(packet('fd00::2', 'tcp', 2377)).verdict, 'accept', 'an inet table sees IPv6 too');
  t.equal(judge(packet('fd00::2', 'udp', 4789)).verdict, 'drop', 'ip saddr matches no IPv6 packet');
  t.end();
});

t.test("iptables-nft's tables are left to iptables-nft-save", (t) => {
  const json = fixture('lab-manager', 'nft.json');
  const texts = parseRuleTexts(fixture('lab-manager', 'nft.txt'));
  const skipped = parseNftRuleset(json, texts, new Set(['ip filter', 'ip nat', 'ip mangle']));
  t.same(skipped.ruleset.base, []);
  t.equal(skipped.incomingRules, 0);
  const whole = parseNftRuleset(json, texts);
  t.same(whole.tables, ['ip nat', 'ip filter', 'ip mangle']);
  const d = evaluate(whole.ruleset, { ...packet('198.18.0.102', 'udp', 4789), destination: '198.18.0.101' });
  t.equal(d.verdict, 'unknown', "read as nft, iptables' own matches are opaque");
  t.match(d.rule, 'iptables match policy (iptables-nft)');
  t.end();
});

/** A ruleset of one inet input chain with these rule expressions (and a chain `other`), evaluated for a packet. */
function judgeExprs(rules: unknown[][], p: Packet, policy = 'accept', sets: unknown[] = [], family = 'inet'): ReturnType<typeof evaluate> {
  const items: unknown[] = [
    { table: { family, name: 't' } },
    { chain: { family, table: 't', name: 'in', type: 'filter', hook: 'input', prio: 0, policy } },
    { chain: { family, table: 't', name: 'other' } },
    ...sets,
    ...rules.map((expr, i) => ({ rule: { family, table: 't', chain: 'in', handle: i + 10, expr } })),
  ];
  return evaluate(parseNftRuleset(JSON.stringify({ nftables: items }), new Map()).ruleset, p);
}
const m = (left: unknown, right: unknown, op = '==') => ({ match: { op, left, right } });
const drop = { drop: null };
const gossip = packet('10.1.2.3', 'udp', 7946);

t.test('expressions', (t) => {
  const cases: [string, unknown[], Packet, string][] = [
    ['th dport', [m({ payload: { protocol: 'th', field: 'dport' } }, 7946), drop], gossip, 'drop'],
    ['th dport of ESP', [m({ payload: { protocol: 'th', field: 'dport' } }, 7946), drop], packet('10.1.2.3', 'esp'), 'accept'],
    ['ip6 saddr of an IPv4 packet', [m({ payload: { protocol: 'ip6', field: 'saddr' } }, 'fd00::1'), drop], gossip, 'accept'],
    ['ip daddr', [m({ payload: { protocol: 'ip', field: 'daddr' } }, '198.18.0.104'), drop], gossip, 'drop'],
    ['ip protocol udp', [m({ payload: { protocol: 'ip', field: 'protocol' } }, 'udp'), drop], gossip, 'drop'],
    ['ip protocol 17', [m({ payload: { protocol: 'ip', field: 'protocol' } }, 17), drop], gossip, 'drop'],
    ['ip protocol "17"', [m({ payload: { protocol: 'ip', field: 'protocol' } }, '17'), drop], gossip, 'drop'],
    ['esp spi of UDP', [m({ payload: { protocol: 'esp', field: 'spi' } }, 1), drop], gossip, 'accept'],
    ['udp dport of TCP', [m({ payload: { protocol: 'udp', field: 'dport' } }, 7946), drop], packet('10.1.2.3', 'tcp', 7946), 'accept'],
    ['meta nfproto ipv6', [m({ meta: { key: 'nfproto' } }, 'ipv6'), drop], gossip, 'accept'],
    ['meta protocol ip', [m({ meta: { key: 'protocol' } }, 'ip'), drop], gossip, 'drop'],
    ['meta protocol ip of IPv6', [m({ meta: { key: 'protocol' } }, 'ip'), drop], packet('fd00::1', 'udp', 7946), 'accept'],
    ['iifname wildcard', [m({ meta: { key: 'iifname' } }, 'eth*'), drop], gossip, 'drop'],
    ['oifname', [m({ meta: { key: 'oifname' } }, 'eth0'), drop], gossip, 'accept'],
    ['pkttype host', [m({ meta: { key: 'pkttype' } }, 'host'), drop], gossip, 'drop'],
    ['ct state new', [m({ ct: { key: 'state' } }, 'new', 'in'), drop], gossip, 'drop'],
    ['ct state != established', [m({ ct: { key: 'state' } }, 'established', '!='), drop], gossip, 'drop'],
    ['icmpv6 type of UDP', [m({ payload: { protocol: 'icmpv6', field: 'type' } }, 'nd-router-advert'), drop], gossip, 'accept'],
    ['ct status dnat', [m({ ct: { key: 'status' } }, 'dnat', 'in'), drop], gossip, 'accept'],
    ['ct direction original', [m({ ct: { key: 'direction' } }, 'original'), drop], gossip, 'drop'],
    ['fib daddr type local', [m({ fib: { result: 'type', flags: ['daddr'] } }, 'local'), drop], gossip, 'drop'],
    ['rpfilter: fib saddr . iif oif missing', [m({ fib: { result: 'oif', flags: ['saddr', 'iif'] } }, false), drop], gossip, 'accept'],
    ['dport >= 7000', [m({ payload: { protocol: 'udp', field: 'dport' } }, 7000, '>='), drop], gossip, 'drop'],
    ['dport < 7000', [m({ payload: { protocol: 'udp', field: 'dport' } }, 7000, '<'), drop], gossip, 'accept'],
    ['dport > 8000', [m({ payload: { protocol: 'udp', field: 'dport' } }, 8000, '>'), drop], gossip, 'accept'],
    ['dport <= 8000', [m({ payload: { protocol: 'udp', field: 'dport' } }, 8000, '<='), drop], gossip, 'drop'],
    ['saddr prefix', [m({ payload: { protocol: 'ip', field: 'saddr' } }, { prefix: { addr: '10.0.0.0', len: 8 } }), drop], gossip, 'drop'],
    ['saddr range', [m({ payload: { protocol: 'ip', field: 'saddr' } }, { range: ['10.1.2.0', '10.1.2.9'] }), drop], gossip, 'drop'],
    [
      'set of elements',
      [m({ payload: { protocol: 'udp', field: 'dport' } }, { set: [{ range: [1, 10] }, { elem: { val: 7946, timeout: 60 } }] }), drop],
      gossip,
      'drop',
    ],
    ['nested set', [m({ payload: { protocol: 'udp', field: 'dport' } }, { set: [{ set: [7946] }] }), drop], gossip, 'drop'],
    [
      'counter, log, jump to a chain that decides nothing',
      [{ counter: null }, { log: null }, { jump: { target: 'other' } }],
      gossip,
      'accept',
    ],
    ['continue', [{ continue: null }], gossip, 'accept'],
    ['return', [{ return: null }], gossip, 'accept'],
    ['no verdict', [m({ meta: { key: 'l4proto' } }, 'udp')], gossip, 'accept'],
    ['a named verdict map', [{ vmap: { key: { meta: { key: 'iifname' } }, data: '@zones' } }], gossip, 'drop'],
  ];
  const zones = {
    map: {
      family: 'inet',
      table: 't',
      name: 'zones',
      elem: [
        [{ elem: { val: 'eth0' } }, drop],
        ['eth9', { accept: null }],
        ['eth8', { nothing: 1 }],
      ],
    },
  };
  for (const [name, expr, p, expected] of cases) t.equal(judgeExprs([expr], p, 'accept', [zones]).verdict, expected, name);
  t.equal(
    judgeExprs([[m({ payload: { protocol: 'ip', field: 'saddr' } }, '10.1.2.3'), drop]], gossip, 'accept', [], 'ip6').verdict,
    'accept',
    'an ip6 table sees no IPv4',
  );
  t.equal(judgeExprs([[drop]], packet('fd00::1', 'udp', 7946), 'accept', [], 'ip').verdict, 'accept', 'an ip table sees no IPv6');
  t.equal(judgeExprs([], gossip, 'drop').rule, 'table inet t chain in policy drop');
  t.end();
});

t.test('what cannot be known', (t) => {
  const cases: [string, unknown[], string, Packet?][] = [
    ['a named set that is not there', [m({ payload: { protocol: 'ip', field: 'saddr' } }, '@nope'), drop], 'ip saddr: set @nope not found'],
    ['udp sport', [m({ payload: { protocol: 'udp', field: 'sport' } }, 53), drop], 'the udp sport'],
    ['ip ttl', [m({ payload: { protocol: 'ip', field: 'ttl' } }, 64), drop], 'ip ttl'],
    ['ct status', [m({ ct: { key: 'status' } }, 5, '<'), drop], 'ct status'],
    ['esp spi', [m({ payload: { protocol: 'esp', field: 'spi' } }, 1), drop], 'the esp spi', packet('10.1.2.3', 'esp')],
    ['th sport', [m({ payload: { protocol: 'th', field: 'sport' } }, 1), drop], 'the th sport'],
    ['meta mark', [m({ meta: { key: 'mark' } }, 1), drop], 'meta mark'],
    ['ct mark', [m({ ct: { key: 'mark' } }, 1), drop], 'ct mark'],
    ['another fib', [m({ fib: { result: 'type', flags: ['saddr'] } }, 'local'), drop], 'a fib lookup'],
    ['a bitwise expression', [m({ '&': [1, 2] }, 1), drop], 'expression &'],
    ['an empty expression', [m({}, 1), drop], 'expression of unknown kind'],
    ['a comparison of a string', [m({ meta: { key: 'iifname' } }, 5, '<'), drop], 'the interface the packet arrives on'],
    ['a port name', [m({ payload: { protocol: 'udp', field: 'dport' } }, 'domain'), drop], 'udp dport'],
    ['a port as a prefix', [m({ payload: { protocol: 'udp', field: 'dport' } }, { prefix: { addr: '1', len: 1 } }), drop], 'udp dport'],
    ['an address as a range of numbers', [m({ payload: { protocol: 'ip', field: 'saddr' } }, { range: [1, 2] }), drop], 'ip saddr'],
    ['a concatenation', [m({ payload: { protocol: 'ip', field: 'saddr' } }, { concat: [1, 2] }), drop], 'ip saddr'],
    ['a range of names for a port', [m({ payload: { protocol: 'udp', field: 'dport' } }, { range: ['a', 'b'] }), drop], 'udp dport'],
    ['a number for an address', [m({ payload: { protocol: 'ip', field: 'saddr' } }, 5), drop], 'ip saddr'],
    ['a rate limit', [{ limit: { rate: 3 } }, drop], 'a rate limit'],
    ['a quota', [{ quota: { val: 3 } }, drop], 'a quota'],
    ['an iptables match', [{ xt: { type: 'match', name: 'u32' } }, drop], 'iptables match u32 (iptables-nft)'],
    ['an unknown statement', [{ osf: {} }, drop], 'statement osf'],
  ];
  for (const [name, expr, why, p] of cases) {
    const d = judgeExprs([expr], p ?? gossip);
    t.equal(d.verdict, 'unknown', name);
    t.match(d.rule, `(${why})`, name);
  }
  t.equal(
    judgeExprs([[m({ meta: { key: 'iifname' } }, 'eth0')]], { ...gossip, inInterface: undefined }).verdict,
    'accept',
    'unknown interface, no verdict',
  );
  t.equal(judgeExprs([[{ xt: { type: 'match', name: 'comment' } }, drop]], gossip).verdict, 'drop', 'a comment match matches');
  t.equal(judgeExprs([[{ xt: { type: 'target', name: 'TPROXY' } }]], gossip).verdict, 'unknown', 'an iptables target');
  t.equal(judgeExprs([[{ queue: { num: 1 } }]], gossip).verdict, 'unknown', 'queued');
  t.equal(judgeExprs([[{ goto: { target: 'nowhere' } }]], gossip).verdict, 'unknown', 'a chain that is not there');
  t.end();
});

t.test('odd but valid JSON', (t) => {
  t.equal(
    judgeExprs([[{ match: { left: { meta: { key: 'l4proto' } }, right: 'udp' } }, drop]], gossip).verdict,
    'drop',
    'a match without op is ==',
  );
  t.equal(
    judgeExprs([[{ vmap: { key: { meta: { key: 'iifname' } }, data: '@missing' } }]], gossip).verdict,
    'accept',
    'a verdict map that is not there',
  );
  t.equal(
    judgeExprs([[{ vmap: { key: { meta: { key: 'iifname' } }, data: { set: [{ elem: { val: ['eth0', drop] } }] } } }]], gossip).verdict,
    'drop',
    'a verdict map element written as elem',
  );
  t.equal(judgeExprs([[{}, drop]], gossip).verdict, 'unknown', 'an empty statement');
  t.equal(
    judgeExprs([[m({ payload: { protocol: 'ip', field: 'saddr' } }, { prefix: { addr: '10.0.0.0' } }), drop]], gossip).verdict,
    'unknown',
    'a prefix without a length',
  );
  const items = [
    { chain: { family: 'inet', table: 't', name: 'late', type: 'filter', hook: 'input', prio: 10 } },
    { chain: { family: 'inet', table: 't', name: 'pre', type: 'filter', hook: 'prerouting' } },
    { chain: { family: 'inet', table: 't', name: 'early', type: 'filter', hook: 'input', prio: -10, policy: 'drop' } },
    { rule: { family: 'inet', table: 't', chain: 'late', expr: [drop] } },
  ];
  const parsed = parseNftRuleset(JSON.stringify({ nftables: items }), new Map());
  t.same(
    parsed.ruleset.base.map((c) => c.name),
    ['pre', 'early', 'late'],
    'prerouting first, then by priority (none: 0)',
  );
  t.same(
    parsed.ruleset.base.map((c) => c.policyText),
    ['table inet t chain pre policy accept', 'table inet t chain early policy drop', 'table inet t chain late policy accept'],
  );
  t.equal(parsed.ruleset.chains.get('inet t\u0000late')?.rules[0]?.text, 'table inet t chain late: rule handle ', 'no handle, no text');
  t.end();
});

t.test('not a ruleset', (t) => {
  t.same(parseNftRuleset('not json', new Map()).ruleset.base, []);
  t.same(parseNftRuleset('{}', new Map()).tables, []);
  t.same(
    parseNftRuleset(
      '{"nftables":[{"rule":{"family":"inet","table":"x","chain":"y","expr":[]}},{"chain":{"family":"arp","table":"a","name":"b"}}]}',
      new Map(),
    ).ruleset.base,
    [],
  );
  t.end();
});
