// iproute2's JSON, /proc/net/route and ethtool, as recorded from the real commands (fixtures/host/README.md).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { parseDriver, parseFeature } from '../../probes/parse/ethtool.js';
import {
  ethtoolCandidates,
  fromSystemInterfaces,
  maskLength,
  parseAddrShow,
  parseJsonList,
  parseProcRoute,
  parseRouteGet,
  parseRoutes,
} from '../../probes/parse/ip.js';

const fixture = (scenario: string, file: string): string =>
  readFileSync(new URL(`../../fixtures/host/${scenario}/${file}`, import.meta.url), 'utf8');

t.test('ip -j -d addr show: names, MTU, state, kind and addresses', (t) => {
  const links = parseAddrShow(fixture('lab-faults', 'ip-addr.json'));
  const eth0 = links.find((l) => l.name === 'eth0');
  t.same(
    eth0 && { mtu: eth0.mtu, up: eth0.up, kind: eth0.kind, linkType: eth0.linkType },
    { mtu: 1300, up: true, kind: 'veth', linkType: 'ether' },
    'the underlay-mtu fault: eth0 at 1300',
  );
  t.ok(eth0?.addresses.includes('198.18.0.103/24'), 'the node address');
  t.ok(eth0?.addresses.includes('10.0.0.250/24'), 'the ingress-address fault');
  const lo = links.find((l) => l.name === 'lo');
  t.same([lo?.up, lo?.kind, lo?.linkType], [true, undefined, 'loopback'], 'loopback: UNKNOWN with LOWER_UP is up');
  const docker0 = links.find((l) => l.name === 'docker0');
  t.equal(docker0?.up, false, 'a bridge without ports is down (NO-CARRIER)');
  t.equal(docker0?.kind, 'bridge');
  t.end();
});

t.test('only interfaces that carry traffic are asked about with ethtool', (t) => {
  t.same(ethtoolCandidates(parseAddrShow(fixture('lab-faults', 'ip-addr.json'))), ['eth0']);
  const many = Array.from({ length: 20 }, (_, i) => ({
    name: `e${String(i)}`,
    ifindex: i,
    mtu: 1500,
    up: true,
    linkType: 'ether',
    addresses: ['10.0.0.1/24'],
  }));
  t.equal(ethtoolCandidates(many).length, 16, 'at most 16');
  t.same(
    ethtoolCandidates([
      { name: 'v', ifindex: 1, mtu: 1450, up: true, kind: 'vxlan', linkType: 'ether', addresses: ['10.0.0.1/24'] },
      { name: 'l', ifindex: 2, mtu: 1500, up: true, linkType: 'ether', addresses: ['fe80::1/64', '127.0.0.2/8', '::1/128'] },
      { name: 'd', ifindex: 3, mtu: 1500, up: false, linkType: 'ether', addresses: ['10.0.0.2/24'] },
    ]),
    [],
    'tunnels, link-local-only and down interfaces are not',
  );
  t.end();
});

t.test('garbage and empty output give nothing', (t) => {
  t.same(parseJsonList('not json'), []);
  t.same(parseJsonList('{"a":1}'), []);
  t.same(parseAddrShow('[{}]'), [{ name: '', ifindex: 0, mtu: 0, up: false, linkType: '', addresses: [] }]);
  t.same(parseRoutes('[{"type":"blackhole","dst":"10.9.0.0/16"},{"dst":"10.8.0.0/16"}]'), [], 'no device: not a route anything leaves by');
  t.equal(parseRouteGet('[]'), undefined);
  t.equal(parseRouteGet('RTNETLINK answers: Network is unreachable'), undefined);
  t.end();
});

t.test('ip -j route show: destinations, gateways and route MTUs', (t) => {
  t.same(parseRoutes(fixture('route-mtu', 'ip-route.json')), [
    { destination: 'default', device: 'eth0', gateway: '198.18.0.1', mtu: 1280 },
    { destination: '10.20.0.0/16', device: 'eth0', gateway: '198.18.0.1', mtu: 1300 },
    { destination: '198.18.0.0/24', device: 'eth0' },
  ]);
  t.same(parseRoutes(fixture('lab-standby', 'ip6-route.json')), [{ destination: 'fe80::/64', device: 'eth0' }], 'IPv6');
  t.same(
    parseRoutes('[{"dst":"10.1.2.3","dev":"eth0","metrics":[{"mtu":["lock",1400]}]},{"dst":"fd00::1","dev":"eth1"}]'),
    [
      { destination: '10.1.2.3/32', device: 'eth0', mtu: 1400 },
      { destination: 'fd00::1/128', device: 'eth1' },
    ],
    'host routes get their full prefix; a locked MTU is still the MTU',
  );
  t.end();
});

t.test('ip -j route get: the device, the source address and the route MTU towards one address', (t) => {
  t.same(parseRouteGet(fixture('route-mtu', 'ip-route-get.json')), {
    device: 'eth0',
    source: '198.18.0.104',
    gateway: '198.18.0.1',
    mtu: 1300,
  });
  t.same(parseRouteGet(fixture('lab-standby', 'ip-route-get.json')), { device: 'eth0', source: '198.18.0.103' });
  t.same(parseRouteGet('[{"dst":"10.1.1.1","dev":"tun0"}]'), { device: 'tun0' }, 'no preferred source');
  t.same(parseRoutes('[{"dev":"ppp0"}]'), [{ destination: 'default', device: 'ppp0' }], 'no dst: the default route');
  t.end();
});

t.test('/proc/net/route when iproute2 has no JSON', (t) => {
  const text = [
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
    'eth0\t00000000\t010012C6\t0003\t0\t0\t0\t00000000\t0\t0\t0',
    'eth0\t000012C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t1300\t0\t0',
    'eth1\t0000000A\t00000000\t0000\t0\t0\t0\t000000FF\t0\t0\t0',
    'eth2\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF',
    'short line',
  ].join('\n');
  t.same(parseProcRoute(text), [
    { destination: 'default', device: 'eth0', gateway: '198.18.0.1' },
    { destination: '198.18.0.0/24', device: 'eth0', mtu: 1300 },
    { destination: '10.0.0.0/8', device: 'eth2' },
  ]);
  t.end();
});

t.test('netmasks as prefix lengths', (t) => {
  t.equal(maskLength('255.255.255.0'), 24);
  t.equal(maskLength('255.255.255.255'), 32);
  t.equal(maskLength('255.0.255.0'), undefined, 'not contiguous');
  t.equal(maskLength('ffff:ffff:ffff:ffff::'), 64);
  t.equal(maskLength('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), 128);
  t.equal(maskLength('ffff::ffff'), undefined);
  t.equal(maskLength(''), undefined);
  t.end();
});

t.test("systeminformation's interface list as facts", (t) => {
  t.same(
    fromSystemInterfaces([
      {
        iface: 'eth0',
        ip4: '10.0.0.2',
        ip4subnet: '255.255.255.0',
        ip6: 'fd00::2',
        ip6subnet: 'ffff:ffff:ffff:ffff::',
        mtu: 1450,
        operstate: 'up',
        internal: false,
      },
      { iface: 'lo', ip4: '127.0.0.1', ip4subnet: '255.0.0.0', ip6: '', ip6subnet: '', mtu: null, operstate: 'unknown', internal: true },
      { iface: 'eth1', ip4: '', ip4subnet: '', ip6: '', ip6subnet: '', mtu: 1500, operstate: 'down', internal: false },
    ]),
    [
      { name: 'eth0', mtu: 1450, up: true, addresses: ['10.0.0.2/24', 'fd00::2/64'] },
      { name: 'lo', mtu: 0, up: true, addresses: ['127.0.0.1/8'] },
      { name: 'eth1', mtu: 1500, up: false, addresses: [] },
    ],
  );
  t.end();
});

t.test('ethtool -i and -k', (t) => {
  t.equal(parseDriver(fixture('lab-standby', 'ethtool-i.txt')), 'veth');
  t.equal(parseDriver('version: 1\n'), undefined);
  t.equal(parseFeature(fixture('lab-standby', 'ethtool-k.txt'), 'tx-checksum-ip-generic'), true);
  t.equal(parseFeature(fixture('lab-standby', 'ethtool-k.txt'), 'tx-checksum-ipv4'), false, 'off [fixed]');
  t.equal(parseFeature('Features for x:\n', 'tx-checksum-ip-generic'), undefined);
  t.end();
});
