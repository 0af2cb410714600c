// /proc/net/{tcp,udp}{,6} as recorded (fixtures/host/README.md): listening sockets only, addresses decoded.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { decodeAddress, parseProcNet, socketInode } from '../../probes/parse/proc-net.js';

const fixture = (scenario: string, file: string): string =>
  readFileSync(new URL(`../../fixtures/host/${scenario}/${file}`, import.meta.url), 'utf8');

t.test('a swarm manager: dockerd on 2377/tcp and 7946/tcp+udp, the kernel VXLAN socket on 4789/udp', (t) => {
  t.same(parseProcNet(fixture('lab-manager', 'proc-net-tcp.txt'), 'tcp'), [
    { protocol: 'tcp', address: '198.18.0.101', port: 7946, inode: 484233 },
    { protocol: 'tcp', address: '198.18.0.101', port: 2377, inode: 484186 },
  ]);
  t.same(parseProcNet(fixture('lab-manager', 'proc-net-udp.txt'), 'udp'), [
    { protocol: 'udp', address: '0.0.0.0', port: 4789, inode: 485520 },
    { protocol: 'udp', address: '198.18.0.101', port: 7946, inode: 484234 },
  ]);
  t.end();
});

t.test('connected sockets are not listeners; IPv6 addresses are decoded', (t) => {
  const without = (sockets: { inode: number }[]) => sockets.map(({ inode, ...rest }) => (inode > 0 ? rest : { inode }));
  t.same(
    without(parseProcNet(fixture('listeners', 'proc-net-tcp.txt'), 'tcp')),
    [{ protocol: 'tcp', address: '0.0.0.0', port: 7946 }],
    'the established pair is left out',
  );
  t.same(
    without(parseProcNet(fixture('listeners', 'proc-net-udp.txt'), 'udp')),
    [{ protocol: 'udp', address: '0.0.0.0', port: 7946 }],
    'the connected UDP socket is left out',
  );
  t.same(
    without(parseProcNet(fixture('listeners', 'proc-net-tcp6.txt'), 'tcp')),
    [{ protocol: 'tcp', address: '::', port: 2377 }],
    'dual stack',
  );
  t.same(without(parseProcNet(fixture('listeners', 'proc-net-udp6.txt'), 'udp')), [{ protocol: 'udp', address: '::1', port: 4789 }]);
  t.same(parseProcNet('header only\n\n  0: short\n', 'tcp'), []);
  t.end();
});

t.test('addresses in /proc/net notation', (t) => {
  t.equal(decodeAddress('0100007F'), '127.0.0.1');
  t.equal(decodeAddress('00000000000000000000000000000000'), '::');
  t.equal(decodeAddress('B80D0120000000000000000001000000'), '2001:db8::1');
  t.equal(decodeAddress('000080FE000000000000000001000000'), 'fe80::1');
  t.equal(decodeAddress('0000000000000000FFFF00000100007F'), '::ffff:127.0.0.1', 'IPv4-mapped');
  t.equal(decodeAddress('B80D0120010000000200000003000000'), '2001:db8:0:1:0:2:0:3', 'no run of two zero groups: no ::');
  t.equal(decodeAddress('B80D0120000000000100000000000000'), '2001:db8::1:0:0', 'the first of two equal runs');
  t.end();
});

t.test('socket links in /proc/PID/fd', (t) => {
  t.equal(socketInode('socket:[484233]'), 484233);
  t.equal(socketInode('/dev/null'), undefined);
  t.equal(socketInode('anon_inode:[eventfd]'), undefined);
  t.end();
});
