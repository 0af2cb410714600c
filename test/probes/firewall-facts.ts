// The firewall's verdicts as facts: which ruleset speaks (the one that filters, else the backend iptables uses),
// one verdict per peer and swarm port with the deciding rule, ufw and firewalld named, and what could not be read.
import t from 'tap';
import { readFileSync } from 'node:fs';
import {
  firewallVerdicts,
  swarmPorts,
  type FirewallReadings,
  type FirewallTarget,
  type Reading,
} from '../../probes/host/firewall-facts.js';

const text = (scenario: string, file: string): Reading => ({
  text: readFileSync(new URL(`../../fixtures/host/${scenario}/${file}`, import.meta.url), 'utf8'),
});
const missing = (file: string): Reading => ({ failure: `${file} is not installed` });

/** What probes/host/firewall.ts reads, from a recorded scenario (legacy tables only where it recorded some). */
function readings(scenario: string, legacy = false): FirewallReadings {
  return {
    iptablesVersion: text(scenario, 'iptables-V.txt'),
    saves: [
      { source: 'iptables-nft', family: 4, reading: text(scenario, 'iptables-nft-save.txt') },
      { source: 'iptables-legacy', family: 4, reading: legacy ? text(scenario, 'iptables-legacy-save.txt') : { text: '' } },
      { source: 'iptables-nft', family: 6, reading: { text: '' } },
      { source: 'iptables-legacy', family: 6, reading: { text: '' } },
    ],
    nft: { json: text(scenario, 'nft.json'), text: text(scenario, 'nft.txt') },
    managers: [],
  };
}
const peer: FirewallTarget = { address: '198.18.0.101', family: 4, device: 'eth0', local: '198.18.0.103' };
const ports = swarmPorts(4789);

t.test('the swarm ports', (t) => {
  t.same(swarmPorts(4790, 2378), [
    { protocol: 'tcp', port: 2378 },
    { protocol: 'tcp', port: 7946 },
    { protocol: 'udp', port: 7946 },
    { protocol: 'udp', port: 4790 },
    { protocol: 'esp' },
  ]);
  t.end();
});

t.test('lab faults: iptables-nft drops 7946, 4789 and ESP; nft lists the same tables and is not asked twice', (t) => {
  const r = firewallVerdicts(readings('lab-faults'), [peer], ports);
  t.equal(r.backend, 'nf_tables');
  t.same(r.outcomes, []);
  t.same(
    r.verdicts.map((v) => [v.protocol, v.port, v.verdict, v.source]),
    [
      ['tcp', 2377, 'accept', 'iptables-nft'],
      ['tcp', 7946, 'drop', 'iptables-nft'],
      ['udp', 7946, 'drop', 'iptables-nft'],
      ['udp', 4789, 'drop', 'iptables-nft'],
      ['esp', undefined, 'drop', 'iptables-nft'],
    ],
  );
  t.same(r.verdicts[3], {
    protocol: 'udp',
    port: 4789,
    from: '198.18.0.101',
    verdict: 'drop',
    rule: '-A INPUT -p udp -m udp --dport 4789 -m comment --comment swarmlint-lab-fault -j DROP',
    source: 'iptables-nft',
  });
  t.end();
});

t.test('nothing filters: one verdict per port from the backend iptables uses, with its policy', (t) => {
  const r = firewallVerdicts(readings('lab-standby'), [peer, { ...peer, address: '198.18.0.102' }], ports);
  t.equal(r.verdicts.length, 10);
  t.ok(r.verdicts.every((v) => v.verdict === 'accept' && v.rule === '-P INPUT ACCEPT' && v.source === 'iptables-nft'));
  const legacy = readings('lab-standby');
  legacy.iptablesVersion = { text: 'iptables v1.8.9 (legacy)\n' };
  t.equal(firewallVerdicts(legacy, [peer], ports).verdicts[0]?.source, 'iptables-legacy', 'legacy backend');
  const neither = readings('lab-standby');
  neither.iptablesVersion = missing('iptables');
  t.same(neither.saves.length, 4);
  t.equal(firewallVerdicts(neither, [peer], ports).verdicts[0]?.source, 'nftables', 'no iptables: nftables speaks');
  t.end();
});

t.test('ufw in the legacy backend: named as the source, its policy drops what it does not allow', (t) => {
  const r = firewallVerdicts(readings('ufw-legacy', true), [peer], ports);
  t.same(
    r.verdicts.map((v) => [v.protocol, v.port, v.verdict, v.source, v.rule]),
    [
      ['tcp', 2377, 'accept', 'ufw', '-A ufw-user-input -s 198.18.0.0/24 -p tcp -m tcp --dport 2377 -j ACCEPT'],
      ['tcp', 7946, 'accept', 'ufw', '-A ufw-user-input -s 198.18.0.0/24 -p tcp -m tcp --dport 7946 -j ACCEPT'],
      ['udp', 7946, 'accept', 'ufw', '-A ufw-user-input -s 198.18.0.0/24 -p udp -m udp --dport 7946 -j ACCEPT'],
      ['udp', 4789, 'drop', 'ufw', '-P INPUT DROP'],
      ['esp', undefined, 'drop', 'ufw', '-P INPUT DROP'],
    ],
  );
  t.end();
});

t.test('nftables alone, and firewalld named when its table decides', (t) => {
  const nft = firewallVerdicts(readings('nft-inet-filter'), [{ ...peer, address: '198.18.9.2' }], ports);
  t.same(
    nft.verdicts.map((v) => [v.port ?? v.protocol, v.verdict, v.source]),
    [
      [2377, 'accept', 'nftables'],
      [7946, 'accept', 'nftables'],
      [7946, 'accept', 'nftables'],
      [4789, 'accept', 'nftables'],
      ['esp', 'accept', 'nftables'],
    ],
  );
  const fw = firewallVerdicts(readings('firewalld-nft'), [peer], ports);
  t.same(
    fw.verdicts.map((v) => [v.port ?? v.protocol, v.verdict, v.source, v.rule]),
    [
      [2377, 'accept', 'firewalld', 'table inet firewalld chain filter_IN_public_allow: tcp dport 2377 ct state { new, untracked } accept'],
      [7946, 'accept', 'firewalld', 'table inet firewalld chain filter_IN_public_allow: tcp dport 7946 ct state { new, untracked } accept'],
      [7946, 'accept', 'firewalld', 'table inet firewalld chain filter_IN_public_allow: udp dport 7946 ct state { new, untracked } accept'],
      [4789, 'reject', 'firewalld', 'table inet firewalld chain filter_INPUT: reject with icmpx admin-prohibited'],
      ['esp', 'reject', 'firewalld', 'table inet firewalld chain filter_INPUT: reject with icmpx admin-prohibited'],
    ],
  );
  t.equal(
    firewallVerdicts(readings('firewalld-nft'), [{ ...peer, family: 6, address: 'fd00::1' }], ports).verdicts[0]?.verdict,
    'accept',
    'IPv6: the rpfilter passes',
  );
  t.end();
});

t.test('firewalld and ufw by their chains in iptables, and their own state as outcomes', (t) => {
  const firewalldChains =
    '*filter\n:INPUT ACCEPT [0:0]\n:INPUT_direct - [0:0]\n:IN_public - [0:0]\n-A INPUT -j INPUT_direct\n-A INPUT -j IN_public\n-A IN_public -p udp -m udp --dport 4789 -j REJECT\nCOMMIT\n';
  const r = readings('lab-standby');
  r.saves[0] = { source: 'iptables-nft', family: 4, reading: { text: firewalldChains } };
  r.managers = [
    { name: 'firewalld', active: true, how: 'firewall-cmd --state: running' },
    { name: 'ufw', active: false, how: 'ENABLED=no in /etc/ufw/ufw.conf' },
  ];
  const out = firewallVerdicts(r, [peer], ports);
  t.same(out.verdicts[3], {
    protocol: 'udp',
    port: 4789,
    from: '198.18.0.101',
    verdict: 'reject',
    rule: '-A IN_public -p udp -m udp --dport 4789 -j REJECT',
    source: 'firewalld',
  });
  t.same(out.outcomes, [
    { probe: 'firewall/firewalld', status: 'ok', reason: 'active (firewall-cmd --state: running)' },
    { probe: 'firewall/ufw', status: 'ok', reason: 'inactive (ENABLED=no in /etc/ufw/ufw.conf)' },
  ]);
  t.end();
});

t.test('both backends with rules: a verdict from each, since a drop in either drops', (t) => {
  const r = readings('lab-faults');
  r.saves[1] = { source: 'iptables-legacy', family: 4, reading: text('ufw-legacy', 'iptables-legacy-save.txt') };
  const out = firewallVerdicts(r, [peer], [{ protocol: 'tcp', port: 2377 }]);
  t.same(
    out.verdicts.map((v) => [v.source, v.verdict]),
    [
      ['iptables-nft', 'accept'],
      ['ufw', 'accept'],
    ],
  );
  t.end();
});

t.test('firewalld next to another nftables table: the table that decides names the source', (t) => {
  const merged = (file: string): string => {
    const a = JSON.parse((text('firewalld-nft', file) as { text: string }).text) as { nftables: unknown[] };
    const b = JSON.parse((text('nft-inet-filter', file) as { text: string }).text) as { nftables: unknown[] };
    return JSON.stringify({ nftables: [...a.nftables, ...b.nftables] });
  };
  const r = readings('firewalld-nft');
  const both = (text('firewalld-nft', 'nft.txt') as { text: string }).text + (text('nft-inet-filter', 'nft.txt') as { text: string }).text;
  r.nft = { json: { text: merged('nft.json') }, text: { text: both } };
  const out = firewallVerdicts(
    r,
    [peer],
    [
      { protocol: 'tcp', port: 7946 },
      { protocol: 'tcp', port: 2377 },
    ],
  );
  t.same(
    out.verdicts.map((v) => [v.port, v.verdict, v.source]),
    [
      [7946, 'drop', 'nftables'],
      [2377, 'accept', 'firewalld'],
    ],
    'inet filter (priority 0) drops before firewalld (priority 10) sees it; what it accepts, firewalld decides',
  );
  t.end();
});

t.test('IPv6 tables of iptables-nft are left out of the nft reading too', (t) => {
  const r = readings('lab-faults');
  r.saves[2] = { source: 'iptables-nft', family: 6, reading: { text: '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p udp -j DROP\nCOMMIT\n' } };
  const out = firewallVerdicts(r, [{ address: 'fd00::1', family: 6, device: 'eth0' }], [{ protocol: 'udp', port: 4789 }]);
  t.same(
    out.verdicts.map((v) => [v.source, v.verdict]),
    [['iptables-nft', 'drop']],
  );
  t.end();
});

t.test('what could not be read is an outcome, not a verdict', (t) => {
  const r = readings('lab-standby');
  r.saves[0] = {
    source: 'iptables-nft',
    family: 4,
    reading: {
      failure:
        'iptables-nft-save exited 4: iptables-nft-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)',
    },
  };
  r.saves[1] = { source: 'iptables-legacy', family: 4, reading: missing('iptables-legacy-save') };
  r.saves[2] = {
    source: 'iptables-nft',
    family: 6,
    reading: { failure: 'ip6tables-nft-save exited 4: Permission denied (you must be root)' },
  };
  r.nft = { json: { failure: 'nft timed out' }, text: { failure: 'nft timed out' } };
  const out = firewallVerdicts(r, [peer], ports);
  t.same(out.verdicts, []);
  t.same(
    out.outcomes,
    [
      {
        probe: 'firewall/iptables-nft',
        status: 'skipped',
        reason:
          'reading it needs root (iptables-nft-save exited 4: iptables-nft-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root))',
        subject: 'whether iptables-nft lets swarm traffic in (2377/tcp, 7946/tcp+udp, the data-path port/udp, ESP)',
      },
      {
        probe: 'firewall/nftables',
        status: 'error',
        reason: 'nft timed out',
        subject: 'whether nftables lets swarm traffic in (2377/tcp, 7946/tcp+udp, the data-path port/udp, ESP)',
      },
    ],
    'not root: skipped; a timeout: failed; IPv6 not asked about without an IPv6 peer',
  );
  t.end();
});

t.test('no firewall tools at all: one skipped outcome', (t) => {
  const none: FirewallReadings = {
    iptablesVersion: missing('iptables'),
    saves: [{ source: 'iptables-nft', family: 4, reading: missing('iptables-nft-save') }],
    nft: { json: missing('nft'), text: missing('nft') },
    managers: [],
  };
  const out = firewallVerdicts(none, [peer, { address: 'any', family: 4 }], ports);
  t.same(out.verdicts, []);
  t.same(out.outcomes, [
    {
      probe: 'firewall',
      status: 'skipped',
      reason: 'neither iptables nor nft is installed',
      subject: "whether this host's firewall lets swarm traffic in (2377/tcp, 7946/tcp, 7946/udp, 4789/udp, esp)",
    },
  ]);
  t.same(firewallVerdicts({ saves: [], managers: [] }, [peer], ports).outcomes.length, 1, 'nothing read at all');
  t.end();
});

t.test('a peer named as any, and nft without its rule texts', (t) => {
  const r = readings('nft-inet-filter');
  r.nft = { json: text('nft-inet-filter', 'nft.json'), text: { failure: 'nft timed out' } };
  const out = firewallVerdicts(
    r,
    [
      { address: 'any', family: 4 },
      { address: 'any', family: 6 },
    ],
    [{ protocol: 'tcp', port: 2377 }],
  );
  t.same(
    out.verdicts.map((v) => [v.from, v.verdict, v.rule]),
    [
      ['any', 'accept', 'table inet filter chain input: rule handle 11'],
      ['any', 'accept', 'table inet filter chain input: rule handle 11'],
    ],
  );
  t.end();
});
