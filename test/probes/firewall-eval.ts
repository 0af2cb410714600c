// The walk itself, on hand-made rulesets: what the parsers cannot produce (a jump to a chain that is not there),
// the family of a chain, and the address arithmetic under it.
import t from 'tap';
import { chainKey, countReachable, evaluate, type Chain, type Packet, type Ruleset } from '../../probes/host/firewall-eval.js';
import { familyOf, inPrefix, inRange, parseAddress } from '../../probes/parse/address.js';

const packet: Packet = { family: 4, protocol: 'udp', port: 4789, source: '10.0.0.2' };
const chain = (name: string, rules: Chain['rules'], extra: Partial<Chain> = {}): Chain => ({ table: 't', name, rules, ...extra });
const ruleset = (base: Chain[], others: Chain[] = []): Ruleset => ({
  source: 'test',
  base,
  chains: new Map([...base, ...others].map((c) => [chainKey(c.table, c.name), c])),
});
const always = () => ({ result: 'yes' as const });

t.test('a jump to a chain that is not there: unknown, naming the rule', (t) => {
  const d = evaluate(ruleset([chain('in', [{ text: 'jump ghost', match: always, action: { kind: 'jump', chain: 'ghost' } }])]), packet);
  t.same(d, { verdict: 'unknown', rule: 'jump ghost (no chain ghost)', table: 't', chain: 'in' });
  t.end();
});

t.test('a chain of the other family is not walked', (t) => {
  const v6only = chain('in6', [{ text: 'drop', match: always, action: { kind: 'drop' } }], { family: 6 });
  t.same(evaluate(ruleset([v6only]), packet), { verdict: 'accept', rule: 'no test chain sees incoming packets' });
  t.equal(evaluate(ruleset([v6only]), { ...packet, family: 6, source: 'fd00::2' }).verdict, 'drop');
  t.end();
});

t.test('an accept ends one base chain only; the next still sees the packet', (t) => {
  const first = chain('first', [{ text: 'accept', match: always, action: { kind: 'accept' } }]);
  const second = chain('second', [], { policy: 'drop', policyText: 'second policy drop' });
  t.same(evaluate(ruleset([first, second]), packet), { verdict: 'drop', rule: 'second policy drop', table: 't', chain: 'second' });
  t.same(evaluate(ruleset([second, first]), packet).rule, 'second policy drop', 'a drop is final');
  t.same(
    evaluate(ruleset([chain('p', [])]), packet),
    { verdict: 'accept', rule: 'policy accept of t p', table: 't', chain: 'p' },
    'a policy without its own text',
  );
  t.end();
});

t.test('rules counted where incoming packets can reach them', (t) => {
  const sub = chain('sub', [{ text: 'x', match: always, action: { kind: 'continue' } }]);
  const base = chain(
    'in',
    [
      { text: 'j', match: always, action: { kind: 'jump', chain: 'sub' } },
      { text: 'j again', match: always, action: { kind: 'goto', chain: 'sub' } },
      { text: 'ghost', match: always, action: { kind: 'jump', chain: 'ghost' } },
    ],
    { policy: 'drop' },
  );
  const unreachable = chain('lonely', [{ text: 'y', match: always, action: { kind: 'drop' } }]);
  t.equal(countReachable([base], ruleset([base], [sub, unreachable]).chains), 5, '3 rules, the drop policy, 1 in sub (counted once)');
  t.end();
});

t.test('addresses', (t) => {
  t.equal(parseAddress('::ffff:10.0.0.1')?.toString(), '10.0.0.1', 'IPv4-mapped becomes IPv4');
  t.equal(parseAddress('nope'), undefined);
  t.equal(familyOf('fd00::1'), 6);
  t.equal(familyOf('10.0.0.1'), 4);
  t.equal(familyOf('x'), undefined);
  t.equal(inPrefix('10.0.0.1', '10.0.0.0/8'), true);
  t.equal(inPrefix('10.0.0.1', '10.0.0.1'), true, 'an address is its own /32');
  t.equal(inPrefix('10.0.0.1', '10.0.0.0/255.0.0.0'), true);
  t.equal(inPrefix('10.0.0.1', '10.0.0.0/255.0.255.0'), undefined, 'not a netmask');
  t.equal(inPrefix('10.0.0.1', '10.0.0.0/ffff::'), undefined, 'a mask of the other family');
  t.equal(inPrefix('10.0.0.1', '10.0.0.0/33'), undefined);
  t.equal(inPrefix('10.0.0.1', 'fd00::/8'), false, 'across families');
  t.equal(inPrefix('x', '10.0.0.0/8'), undefined);
  t.equal(inPrefix('10.0.0.1', 'y/8'), undefined);
  t.equal(inPrefix('fd00::1', 'fd00::/8'), true);
  t.equal(inRange('10.0.0.5', '10.0.0.1', '10.0.0.9'), true);
  t.equal(inRange('10.0.0.50', '10.0.0.1', '10.0.0.9'), false);
  t.equal(inRange('fd00::1', '10.0.0.1', '10.0.0.9'), false);
  t.equal(inRange('10.0.0.5', '10.0.0.1', 'fd00::9'), false);
  t.equal(inRange('10.0.0.5', 'a', '10.0.0.9'), undefined);
  t.end();
});
