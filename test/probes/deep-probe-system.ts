// The deep probe's real outside world on this host: interface MTUs from /sys, TCP connects over loopback, and (as
// root) DF echoes through raw ICMP sockets, with and without DF.
import t from 'tap';
import net from 'node:net';
import { systemIo } from '../../probes/deep/run.js';

const io = systemIo();
const signal = new AbortController().signal;

t.test('MTU of an interface from /sys; odd names are refused', (t) => {
  t.equal(io.mtuOf('lo'), 65536);
  t.equal(io.mtuOf('../../etc'), undefined);
  t.equal(io.mtuOf('nosuchif0'), undefined);
  t.ok(Object.keys(io.interfaces()).includes('lo'));
  t.end();
});

t.test('TCP connects: open and closed', async (t) => {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  t.same(await io.connect('127.0.0.1', port, 2000, signal), { kind: 'connected' });
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  t.same(await io.connect('127.0.0.1', port, 2000, signal), { kind: 'refused' });
});

t.test('ICMP with and without DF over loopback', { skip: process.getuid?.() !== 0 && 'raw ICMP sockets need root' }, async (t) => {
  t.same(io.dfAvailable(), { ok: true });
  t.same(await io.ping('127.0.0.1', 92, true, 2000, signal), { ok: true });
  t.same(await io.ping('127.0.0.1', 92, false, 2000, signal), { ok: true });
  t.same(await io.ping('127.0.0.1', 1500, true, 2000, signal), { ok: true }, 'loopback MTU is 64 KiB');
});
