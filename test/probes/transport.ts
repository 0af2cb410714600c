// TCP and UDP checks against the responder over real loopback sockets (free ports of this machine, no root): echoes
// with the held ports, ICMP port unreachable as "refused", silence, connections that say nothing, the allow list.
import t from 'tap';
import dgram from 'node:dgram';
import net from 'node:net';
import { encodeProbe, PROBE_SIZE } from '../../probes/paths/echo-protocol.js';
import { once } from '../../probes/paths/once.js';
import { startResponder, specsText } from '../../probes/paths/responder.js';
import { tcpCheck, udpCheck, type CheckRequest } from '../../probes/paths/transport.js';

/** A port nothing uses right now (bound to 0 and released). */
async function freePort(protocol: 'tcp' | 'udp'): Promise<number> {
  if (protocol === 'tcp') {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    return port;
  }
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  await new Promise<void>((resolve) =>
    socket.close(() => {
      resolve();
    }),
  );
  return port;
}

const signal = new AbortController().signal;
const at = (port: number, timeoutMs = 1500): CheckRequest => ({ address: '127.0.0.1', port, family: 4, timeoutMs, signal });

t.test('the responder echoes on what it bound, and lists what it could not', async (t) => {
  const [tcpPort, udpPort, heldPort, closedUdp, closedTcp] = [
    await freePort('tcp'),
    await freePort('udp'),
    await freePort('udp'),
    await freePort('udp'),
    await freePort('tcp'),
  ];
  // Another program holds this one (as dockerd or the kernel's VXLAN socket would): bound, never answering.
  const holder = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => holder.bind(heldPort, '127.0.0.1', resolve));
  t.teardown(() => holder.close());
  const answered: string[] = [];
  const responder = await startResponder({
    address: '127.0.0.1',
    specs: [
      { port: udpPort, protocol: 'udp' },
      { port: tcpPort, protocol: 'tcp' },
      { port: heldPort, protocol: 'udp' },
    ],
    onProbe: (from, spec) => answered.push(`${from} ${String(spec.port)}/${spec.protocol}`),
  });
  t.teardown(() => responder.close());
  t.same(responder.bound, [
    { port: Math.min(tcpPort, udpPort), protocol: tcpPort < udpPort ? 'tcp' : 'udp' },
    { port: Math.max(tcpPort, udpPort), protocol: tcpPort < udpPort ? 'udp' : 'tcp' },
  ]);
  t.same(responder.held, [{ spec: { port: heldPort, protocol: 'udp' }, reason: 'in use by another program' }]);
  t.equal(specsText(responder.bound), responder.bound.map((s) => `${String(s.port)}/${s.protocol}`).join(', '));

  const [tcp, udp, held, closed, refused] = await Promise.all([
    tcpCheck(at(tcpPort)),
    udpCheck(at(udpPort)),
    udpCheck(at(heldPort, 700)),
    udpCheck(at(closedUdp)),
    tcpCheck(at(closedTcp)),
  ]);
  t.match(tcp, { kind: 'connected', echo: { to: { port: tcpPort, protocol: 'tcp' }, held: [{ port: heldPort, protocol: 'udp' }] } });
  t.match(udp, { kind: 'echo', echo: { to: { port: udpPort, protocol: 'udp' }, held: [{ port: heldPort, protocol: 'udp' }] } });
  t.same(held, { kind: 'silence' }, 'the holder says nothing');
  t.match(closed, { kind: 'refused' }, 'ICMP port unreachable');
  t.match(refused, { kind: 'refused' });
  t.ok(answered.includes(`127.0.0.1 ${String(tcpPort)}/tcp`) && answered.includes(`127.0.0.1 ${String(udpPort)}/udp`));
  t.ok(responder.answered >= 2);
});

t.test('only the allowed sources get an answer; anything that is not a probe gets none', async (t) => {
  const [udpPort, tcpPort] = [await freePort('udp'), await freePort('tcp')];
  const responder = await startResponder({
    address: '127.0.0.1',
    specs: [
      { port: udpPort, protocol: 'udp' },
      { port: tcpPort, protocol: 'tcp' },
    ],
    allow: ['10.9.9.9'],
  });
  t.teardown(() => responder.close());
  t.same(await udpCheck(at(udpPort, 400)), { kind: 'silence' });
  t.match(await tcpCheck(at(tcpPort)), { kind: 'connected' }, 'connected, closed without an echo');
  const open = await startResponder({ specs: [{ port: await freePort('tcp'), protocol: 'tcp' }], allow: ['::ffff:127.0.0.1', 'a-name'] });
  t.teardown(() => open.close());
  const port = open.bound[0]?.port ?? 0;
  t.match(
    await tcpCheck(at(port)),
    { kind: 'connected', echo: { to: { port } } },
    'an IPv4-mapped allow entry matches (bound to 0.0.0.0 by default)',
  );
  // Not a probe: the connection is dropped.
  const garbage = net.connect(port, '127.0.0.1');
  const closed = new Promise<void>((resolve) =>
    garbage.on('close', () => {
      resolve();
    }),
  );
  garbage.on('error', () => undefined);
  garbage.write(Buffer.alloc(PROBE_SIZE, 0x41));
  await closed;
  t.pass('a connection that sends no probe is closed');
});

t.test('once', (t) => {
  const calls: number[] = [];
  const f = once((n: number) => calls.push(n));
  f(1);
  f(2);
  t.same(calls, [1]);
  t.end();
});

t.test('TCP connections that say nothing, or reset', async (t) => {
  const silent = net.createServer(() => undefined);
  const resetting = net.createServer((c) => c.resetAndDestroy());
  const closing = net.createServer((c) => c.end());
  for (const s of [silent, resetting, closing]) await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const s of [silent, resetting, closing]) s.close();
  });
  const port = (s: net.Server): number => (s.address() as net.AddressInfo).port;
  const started = Date.now();
  t.match(await tcpCheck(at(port(silent))), { kind: 'connected' }, 'open: connected, no echo');
  t.ok(Date.now() - started >= 400, 'after waiting a moment for an echo');
  t.match(await tcpCheck(at(port(resetting))), { kind: 'connected' }, 'reset after accepting is still open');
  t.match(await tcpCheck(at(port(closing))), { kind: 'connected' });
});

t.test('the deadline and errors', async (t) => {
  const controller = new AbortController();
  const pending = tcpCheck({ ...at(await freePort('tcp')), signal: controller.signal });
  controller.abort();
  t.same(await pending, { kind: 'timeout' }, 'aborted before connecting');
  const silent = net.createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(() => silent.close());
  const late = new AbortController();
  const connecting = tcpCheck({ ...at((silent.address() as net.AddressInfo).port), signal: late.signal });
  setTimeout(() => {
    late.abort();
  }, 100);
  t.match(await connecting, { kind: 'connected' }, 'aborted after connecting: open');
  const dead = new AbortController();
  dead.abort();
  t.same(await tcpCheck({ ...at(9), signal: dead.signal }), { kind: 'timeout' }, 'the deadline passed before the check began');
  t.same(await udpCheck({ ...at(9), signal: dead.signal }), { kind: 'silence' });
  t.match(await tcpCheck({ ...at(9), address: 'swarmlint-no-such-host.invalid' }), { kind: 'error', code: 'ENOTFOUND' });
  t.match(await udpCheck({ ...at(9), family: 6 }), { kind: 'error', code: 'EINVAL' }, 'an IPv4 address on an IPv6 socket');
  t.match(await udpCheck({ ...at(9), address: '255.255.255.255' }), { kind: 'error', code: 'EACCES' }, 'broadcast is refused');
});

t.test('a responder that can bind nothing, on IPv6, and probes that arrive cut short', async (t) => {
  const nowhere = await startResponder({ address: '192.0.2.1', specs: [{ port: 7946, protocol: 'tcp' }] });
  t.same(nowhere.bound, []);
  t.match(nowhere.held, [{ spec: { port: 7946, protocol: 'tcp' }, reason: /EADDRNOTAVAIL/ }]);
  await nowhere.close();
  const port = await freePort('udp');
  const v6 = await startResponder({
    address: '::1',
    specs: [
      { port, protocol: 'udp' },
      { port, protocol: 'tcp' },
    ],
  });
  t.same(
    v6.bound,
    [
      { port, protocol: 'tcp' },
      { port, protocol: 'udp' },
    ],
    'one port, both protocols: TCP first',
  );
  t.teardown(() => v6.close());
  t.match(await udpCheck({ ...at(port), address: '::1', family: 6 }), { kind: 'echo' });
  const tcpPort = await freePort('tcp');
  const r = await startResponder({ address: '127.0.0.1', specs: [{ port: tcpPort, protocol: 'tcp' }] });
  // Half a probe, then nothing: the responder waits for the rest, then gives up; close() ends it meanwhile.
  const half = net.connect(tcpPort, '127.0.0.1');
  half.on('error', () => undefined);
  await new Promise<void>((resolve) =>
    half.on('connect', () => {
      resolve();
    }),
  );
  half.write(encodeProbe('0123456789abcdef', { port: tcpPort, protocol: 'tcp' }).subarray(0, 100));
  await new Promise((resolve) => setTimeout(resolve, 50));
  await r.close();
  t.pass('closed with a connection open');
});
