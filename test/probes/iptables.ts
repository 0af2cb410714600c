// iptables-save (both backends) read and evaluated: the verdict on a peer's first packet, with the deciding rule.
// Rulesets recorded from the lab and from ufw's chains (fixtures/host/README.md); single lines for the matches.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { evaluate, type Packet } from '../../probes/host/firewall-eval.js';
import { parseIptablesSave, parseRuleLine, tokenize } from '../../probes/parse/iptables.js';

const fixture = (scenario: string, file: string): string =>
  readFileSync(new URL(`../../fixtures/host/${scenario}/${file}`, import.meta.url), 'utf8');
const from = (source: string, protocol: Packet['protocol'], port?: number): Packet => ({
  family: 4,
  protocol,
  ...(port !== undefined ? { port } : {}),
  source,
  destination: '198.18.0.103',
  inInterface: 'eth0',
});

t.test('lab faults on the joining node (iptables-nft): 7946, 4789 and ESP dropped on INPUT', (t) => {
  const { ruleset, incomingRules } = parseIptablesSave(fixture('lab-faults', 'iptables-nft-save.txt'), 'iptables-nft');
  t.equal(incomingRules, 4);
  const peer = '198.18.0.101';
  t.same(evaluate(ruleset, from(peer, 'tcp', 7946)), {
    verdict: 'drop',
    rule: '-A INPUT -p tcp -m tcp --dport 7946 -m comment --comment swarmlint-lab-fault -j DROP',
    table: 'filter',
    chain: 'INPUT',
  });
  t.equal(
    evaluate(ruleset, from(peer, 'udp', 7946)).rule,
    '-A INPUT -p udp -m udp --dport 7946 -m comment --comment swarmlint-lab-fault -j DROP',
  );
  t.equal(evaluate(ruleset, from(peer, 'udp', 4789)).verdict, 'drop');
  t.equal(evaluate(ruleset, from(peer, 'esp')).rule, '-A INPUT -p esp -m comment --comment swarmlint-lab-fault -j DROP');
  t.same(evaluate(ruleset, from(peer, 'tcp', 2377)), { verdict: 'accept', rule: '-P INPUT ACCEPT', table: 'filter', chain: 'INPUT' });
  t.end();
});

t.test(
  "the manager (iptables-nft): 2377 dropped for one node only; dockerd's VXLAN guard of an encrypted overlay is not a port block",
  (t) => {
    const { ruleset } = parseIptablesSave(fixture('lab-manager', 'iptables-nft-save.txt'), 'iptables-nft');
    const manager = (source: string, protocol: Packet['protocol'], port?: number): Packet => ({
      ...from(source, protocol, port),
      destination: '198.18.0.101',
    });
    t.equal(evaluate(ruleset, manager('198.18.0.103', 'tcp', 2377)).verdict, 'drop', 'from node 3');
    t.equal(evaluate(ruleset, manager('198.18.0.102', 'tcp', 2377)).verdict, 'accept', 'from node 2');
    t.same(evaluate(ruleset, manager('198.18.0.103', 'udp', 4789)), {
      verdict: 'accept',
      rule: '-P INPUT ACCEPT',
      table: 'filter',
      chain: 'INPUT',
    });
    t.end();
  },
);

t.test('ufw (iptables-legacy): its chains walked, the default policy decides what it does not allow', (t) => {
  const { ruleset, chainNames, incomingRules } = parseIptablesSave(fixture('ufw-legacy', 'iptables-legacy-save.txt'), 'iptables-legacy');
  t.ok(chainNames.get('filter')?.includes('ufw-user-input'));
  t.ok(incomingRules > 20);
  const peer = '198.18.0.101';
  t.same(evaluate(ruleset, from(peer, 'tcp', 2377)), {
    verdict: 'accept',
    rule: '-A ufw-user-input -s 198.18.0.0/24 -p tcp -m tcp --dport 2377 -j ACCEPT',
    table: 'filter',
    chain: 'ufw-user-input',
  });
  t.equal(evaluate(ruleset, from(peer, 'udp', 7946)).verdict, 'accept');
  t.same(
    evaluate(ruleset, from(peer, 'udp', 4789)),
    { verdict: 'drop', rule: '-P INPUT DROP', table: 'filter', chain: 'INPUT' },
    'not allowed: the policy',
  );
  t.equal(evaluate(ruleset, from(peer, 'esp')).verdict, 'drop');
  t.equal(evaluate(ruleset, from('203.0.113.9', 'tcp', 7946)).verdict, 'drop', 'allowed only from the node subnet');
  t.equal(evaluate(ruleset, from('203.0.113.9', 'tcp', 22)).verdict, 'accept');
  t.end();
});

t.test('no rules at all: the policy, and a ruleset without INPUT accepts', (t) => {
  const { ruleset, incomingRules } = parseIptablesSave(fixture('lab-standby', 'iptables-nft-save.txt'), 'iptables-nft');
  t.equal(incomingRules, 0);
  t.same(evaluate(ruleset, from('198.18.0.101', 'udp', 4789)), {
    verdict: 'accept',
    rule: '-P INPUT ACCEPT',
    table: 'filter',
    chain: 'INPUT',
  });
  t.same(evaluate(parseIptablesSave('', 'iptables-legacy').ruleset, from('198.18.0.101', 'udp', 4789)), {
    verdict: 'accept',
    rule: 'no iptables-legacy chain sees incoming packets',
  });
  t.end();
});

/** One filter table with these INPUT rules (and user chains `A` and `B`), evaluated for a packet. */
function judge(rules: string[], packet: Packet, policy = 'ACCEPT', extra = ''): ReturnType<typeof evaluate> {
  const text = `*filter\n:INPUT ${policy} [0:0]\n:A - [0:0]\n:B - [0:0]\n${rules.join('\n')}\n${extra}COMMIT\n`;
  return evaluate(parseIptablesSave(text, 'iptables-nft').ruleset, packet);
}
const gossip = from('10.1.2.3', 'udp', 7946);

t.test('matches', (t) => {
  const cases: [string, Packet, 'accept' | 'drop'][] = [
    ['-A INPUT -p udp -j DROP', gossip, 'drop'],
    ['-A INPUT -p 17 -j DROP', gossip, 'drop'],
    ['-A INPUT -p all -j DROP', gossip, 'drop'],
    ['-A INPUT ! -p tcp -j DROP', gossip, 'drop'],
    ['-A INPUT -p icmp -j DROP', gossip, 'accept'],
    ['-A INPUT -s 10.0.0.0/8 -j DROP', gossip, 'drop'],
    ['-A INPUT -s 10.0.0.0/255.0.0.0 -j DROP', gossip, 'drop'],
    ['-A INPUT ! -s 10.0.0.0/8 -j DROP', gossip, 'accept'],
    ['-A INPUT -s 192.168.0.0/16,10.1.2.3/32 -j DROP', gossip, 'drop'],
    ['-A INPUT -d 198.18.0.103/32 -j DROP', gossip, 'drop'],
    ['-A INPUT -i eth+ -j DROP', gossip, 'drop'],
    ['-A INPUT -i lo -j DROP', gossip, 'accept'],
    ['-A INPUT ! -i lo -j DROP', gossip, 'drop'],
    ['-A INPUT -o eth0 -j DROP', gossip, 'accept'],
    ['-A INPUT -f -j DROP', gossip, 'accept'],
    ['-A INPUT ! -f -j DROP', gossip, 'drop'],
    ['-A INPUT -p udp -m udp --dport 7000:8000 -j DROP', gossip, 'drop'],
    ['-A INPUT -p udp -m udp --dport :7000 -j DROP', gossip, 'accept'],
    ['-A INPUT -p udp -m udp --dport 7946: -j DROP', gossip, 'drop'],
    ['-A INPUT -p udp -m udp ! --dport 7946 -j DROP', gossip, 'accept'],
    ['-A INPUT -p tcp -m tcp --dport 7946 -j DROP', gossip, 'accept'],
    ['-A INPUT -m udp --dport 7946 -j DROP', from('10.1.2.3', 'tcp', 7946), 'accept'],
    ['-A INPUT -p udp -m multiport --dports 4789,7946 -j DROP', gossip, 'drop'],
    ['-A INPUT -p udp -m multiport --ports 4789,7946 -j DROP', gossip, 'drop'],
    ['-A INPUT -p tcp -m tcp --syn -j DROP', from('10.1.2.3', 'tcp', 2377), 'drop'],
    ['-A INPUT -p tcp -m tcp ! --syn -j DROP', from('10.1.2.3', 'tcp', 2377), 'accept'],
    ['-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j DROP', from('10.1.2.3', 'tcp', 2377), 'drop'],
    ['-A INPUT -p tcp -m tcp --tcp-flags ALL NONE -j DROP', from('10.1.2.3', 'tcp', 2377), 'accept'],
    ['-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j DROP', gossip, 'accept'],
    ['-A INPUT -m conntrack --ctstate NEW -j DROP', gossip, 'drop'],
    ['-A INPUT -m state --state NEW -j DROP', gossip, 'drop'],
    ['-A INPUT -m conntrack ! --ctstate INVALID -j DROP', gossip, 'drop'],
    ['-A INPUT -m comment --comment "a b" -j DROP', gossip, 'drop'],
    ['-A INPUT -m addrtype --dst-type LOCAL -j DROP', gossip, 'drop'],
    ['-A INPUT -m addrtype --dst-type MULTICAST -j DROP', gossip, 'accept'],
    ['-A INPUT -m addrtype --src-type UNICAST --limit-iface-in -j DROP', gossip, 'drop'],
    ['-A INPUT -m pkttype --pkt-type unicast -j DROP', gossip, 'drop'],
    ['-A INPUT -m pkttype --pkt-type broadcast -j DROP', gossip, 'accept'],
    ['-A INPUT -m policy --dir in --pol none -j DROP', gossip, 'drop'],
    ['-A INPUT -m policy --dir in --pol ipsec -j DROP', gossip, 'accept'],
    ['-A INPUT -m policy --dir out --pol none -j DROP', gossip, 'accept'],
    ['-A INPUT -m iprange --src-range 10.1.2.0-10.1.2.9 -j DROP', gossip, 'drop'],
    ['-A INPUT -m iprange ! --src-range 10.1.2.0-10.1.2.9 -j DROP', gossip, 'accept'],
    ['-A INPUT -m iprange --src-range 10.9.0.0-10.9.0.9 -j DROP', gossip, 'accept'],
    ['-A INPUT -m iprange --dst-range 198.18.0.100-198.18.0.110 -j DROP', gossip, 'drop'],
    ['-A INPUT -m rpfilter --invert -j DROP', gossip, 'accept'],
    ['-A INPUT -p udp -m u32 --u32 "0x0>>0x16&0x3c@0xc&0xffffff00=0x100100" -j DROP', gossip, 'accept'],
    ['-A INPUT -p udp -j LOG --log-prefix "x "', gossip, 'accept'],
    ['-A INPUT -p udp', gossip, 'accept'],
    ['-A INPUT -p udp -j REJECT --reject-with icmp-port-unreachable', gossip, 'drop'],
  ];
  for (const [rule, packet, expected] of cases) {
    const verdict = judge([rule], packet).verdict;
    t.equal(verdict === 'reject' ? 'drop' : verdict, expected, rule);
  }
  t.end();
});

t.test('what a peer probe cannot know makes the verdict unknown, naming the rule', (t) => {
  const cases: [string, string][] = [
    ['-A INPUT -m set --match-set blocklist src -j DROP', '-m set --match-set blocklist src'],
    ['-A INPUT -p udp -m udp --sport 7946 -j DROP', '-m udp --sport 7946'],
    ['-A INPUT -p udp -m multiport --ports 53,123 -j DROP', 'the source port (--ports 53,123)'],
    ['-A INPUT -m u32 --u32 "0x0&0xff=0x1" -j DROP', '-m u32 --u32 0x0&0xff=0x1'],
    ['-A INPUT -m limit --limit 3/min -j DROP', '-m limit --limit 3/min'],
    ['-A INPUT -m iprange --src-range x-y -j DROP', 'cannot read x-y'],
    ['-A INPUT -s not-an-address -j DROP', 'cannot read not-an-address'],
    ['-A INPUT --weird -j DROP', 'option --weird'],
  ];
  for (const [rule, why] of cases) {
    const d = judge([rule], gossip);
    t.equal(d.verdict, 'unknown', rule);
    t.equal(d.rule, `${rule} would drop for some packets (${why}); the others: -P INPUT ACCEPT`);
  }
  t.equal(
    judge(['-A INPUT -m set --match-set x src -j ACCEPT'], gossip).verdict,
    'accept',
    'a maybe that leads where the rest leads changes nothing',
  );
  t.equal(judge(['-A INPUT -m set --match-set x src -j REJECT'], gossip, 'DROP').verdict, 'drop', 'reject and drop both block');
  const nowhere = { ...gossip, inInterface: undefined, destination: undefined } as unknown as Packet;
  t.match(judge(['-A INPUT -i eth0 -j DROP'], nowhere).rule, 'the interface the packet arrives on is not known');
  t.match(judge(['-A INPUT -d 10.0.0.1 -j DROP'], nowhere).rule, "this host's address towards the peer not known");
  t.match(
    judge(['-A INPUT -m iprange --dst-range 10.0.0.1-10.0.0.2 -j DROP'], nowhere).rule,
    "this host's address towards the peer not known",
  );
  t.match(judge(['-A INPUT -m iprange --dst-range a-b -j DROP'], gossip).rule, 'cannot read a-b');
  t.equal(judge(['-A INPUT -j NFQUEUE --queue-num 1'], gossip).verdict, 'unknown', 'a program decides');
  t.match(judge(['-A INPUT -j NFQUEUE --queue-num 1'], gossip).rule, '(target NFQUEUE)');
  t.end();
});

t.test('user chains: jump, goto, return, and a maybe-jump', (t) => {
  t.same(judge(['-A INPUT -j A', '-A A -p udp -j DROP'], gossip), {
    verdict: 'drop',
    rule: '-A A -p udp -j DROP',
    table: 'filter',
    chain: 'A',
  });
  t.equal(
    judge(['-A INPUT -j A', '-A INPUT -j DROP', '-A A -p udp -j RETURN', '-A A -j ACCEPT'], gossip).verdict,
    'drop',
    'RETURN goes back after the jump',
  );
  t.equal(
    judge(['-A INPUT -j A', '-A INPUT -j DROP', '-A A -p tcp -j ACCEPT'], gossip).verdict,
    'drop',
    'the end of a jumped-to chain returns',
  );
  t.equal(
    judge(['-A INPUT -j A', '-A INPUT -j DROP', '-A A -g B', '-A B -p tcp -j ACCEPT'], gossip).verdict,
    'drop',
    'a goto returns to the caller of the chain it left',
  );
  t.equal(
    judge(['-A INPUT -g A', '-A INPUT -j DROP', '-A A -p tcp -j ACCEPT'], gossip).verdict,
    'accept',
    'goto from a base chain: its policy',
  );
  t.equal(
    judge(['-A INPUT -m limit --limit 1/s -j A', '-A A -j LOG'], gossip).verdict,
    'accept',
    'a maybe-jump into a chain that decides nothing',
  );
  t.equal(judge(['-A INPUT -m limit --limit 1/s -j A', '-A A -j DROP'], gossip).verdict, 'unknown', 'a maybe-jump into a chain that drops');
  t.equal(judge(['-A INPUT -m limit --limit 1/s -j RETURN', '-A INPUT -j DROP'], gossip).verdict, 'unknown', 'a maybe-return');
  t.equal(judge(['-A INPUT -j A', '-A A -j A'], gossip).verdict, 'unknown', 'a loop');
  t.match(judge(['-A INPUT -j A', '-A A -j A'], gossip).rule, 'a loop');
  t.end();
});

t.test('the chains incoming packets pass, in order: raw and mangle PREROUTING, mangle INPUT, filter INPUT', (t) => {
  const text = [
    '*raw',
    ':PREROUTING ACCEPT [0:0]',
    '-A PREROUTING -p udp -m udp --dport 4789 -j DROP',
    'COMMIT',
    '*mangle',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    '-A INPUT -p tcp -j ACCEPT',
    'COMMIT',
    '*filter',
    ':INPUT DROP [0:0]',
    'COMMIT',
  ].join('\n');
  const { ruleset } = parseIptablesSave(text, 'iptables-legacy');
  t.same(evaluate(ruleset, from('10.1.2.3', 'udp', 4789)), {
    verdict: 'drop',
    rule: '-t raw -A PREROUTING -p udp -m udp --dport 4789 -j DROP',
    table: 'raw',
    chain: 'PREROUTING',
  });
  t.same(
    evaluate(ruleset, from('10.1.2.3', 'tcp', 2377)),
    { verdict: 'drop', rule: '-P INPUT DROP', table: 'filter', chain: 'INPUT' },
    'an ACCEPT in mangle does not pass filter',
  );
  t.end();
});

t.test('reading rule lines', (t) => {
  t.same(tokenize('-A INPUT -m comment --comment "a \\"b\\" c" -j ACCEPT'), [
    '-A',
    'INPUT',
    '-m',
    'comment',
    '--comment',
    'a "b" c',
    '-j',
    'ACCEPT',
  ]);
  t.equal(parseRuleLine('-I INPUT -j DROP'), undefined);
  t.equal(parseRuleLine('-A'), undefined);
  t.same(
    parseRuleLine('-A INPUT stray -p tcp -j DROP')?.main,
    [{ name: '-p', negated: false, values: ['tcp'] }],
    'a stray word is skipped',
  );
  t.same(parseRuleLine('-A INPUT -p tcp -m tcp --tcp-flags SYN,ACK SYN -g A')?.target, { name: 'A', goto: true, options: [] });
  t.same(parseRuleLine('-A INPUT -m')?.modules, [{ name: '', options: [] }], 'cut short: a module without a name');
  t.same(parseRuleLine('-A INPUT -j')?.target, { name: '', goto: false, options: [] });
  t.equal(
    judge(['-A INPUT -p tcp -m tcp --tcp-flags SYN -j DROP'], from('10.1.2.3', 'tcp', 2377)).verdict,
    'accept',
    'flags without the comparison: SYN must be clear',
  );
  t.equal(judge(['-A INPUT -m addrtype --src-type LOCAL -j DROP'], gossip).verdict, 'accept', 'a peer is not local');
  t.match(judge(['-A INPUT -m foo ! --bar -j DROP'], gossip).rule, '(-m foo ! --bar)');
  t.same(parseIptablesSave('-A INPUT -j DROP\n:X ACCEPT\n', 'iptables-nft').ruleset.base, [], 'lines outside a table are ignored');
  t.same(
    parseIptablesSave('*filter\n-A INPUT -j DROP\nCOMMIT\n', 'iptables-nft').incomingRules,
    1,
    'a chain with rules but no declaration',
  );
  t.end();
});
