// The probe-and-echo exchange: fixed-size probes, echoes never larger, held ports listed as far as they fit.
import t from 'tap';
import { encodeEcho, encodeProbe, parseEcho, parseProbe, parseSpec, PROBE_SIZE, specText } from '../../probes/paths/echo-protocol.js';

const NONCE = '0123456789abcdef';

t.test('a probe is padded to a fixed size and read back', (t) => {
  const probe = encodeProbe(NONCE, { port: 4789, protocol: 'udp' });
  t.equal(probe.length, PROBE_SIZE);
  t.same(parseProbe(probe), { nonce: NONCE, to: { port: 4789, protocol: 'udp' }, size: PROBE_SIZE });
  t.equal(parseProbe(Buffer.from('GET / HTTP/1.1\r\n')), undefined, 'anything else is ignored');
  t.equal(parseProbe(Buffer.from(`SWARMLINT-PROBE/1 ${NONCE.toUpperCase()} 4789/udp\n`)), undefined, 'nonce in lower-case hex only');
  t.equal(parseProbe(Buffer.from(`SWARMLINT-PROBE/1 ${NONCE} 4789/sctp\n`)), undefined);
  t.equal(parseProbe(Buffer.from('SWARMLINT-PROBE/1')), undefined, 'cut short');
  t.end();
});

t.test('an echo lists the held ports, and is never larger than the probe', (t) => {
  const probe = { nonce: NONCE, to: { port: 7946, protocol: 'tcp' as const }, size: PROBE_SIZE };
  const held = [
    { port: 4789, protocol: 'udp' as const },
    { port: 7946, protocol: 'udp' as const },
  ];
  const echo = encodeEcho(probe, held);
  t.ok(echo && echo.length <= PROBE_SIZE);
  t.same(parseEcho(echo ?? Buffer.alloc(0)), { nonce: NONCE, to: { port: 7946, protocol: 'tcp' }, held });
  t.same(parseEcho(encodeEcho(probe, []) ?? Buffer.alloc(0)), { nonce: NONCE, to: { port: 7946, protocol: 'tcp' }, held: [] });
  const small = encodeEcho({ ...probe, size: 50 }, held);
  t.ok(small && small.length <= 50, 'a short probe gets a short echo');
  t.same(parseEcho(small ?? Buffer.alloc(0))?.held, [], 'without the list that would not fit');
  t.equal(encodeEcho({ ...probe, size: 10 }, held), undefined, 'a probe too short for any echo gets none');
  t.equal(parseEcho(Buffer.from('SWARMLINT-ECHO/1 nope 1/udp\n')), undefined);
  t.equal(parseEcho(Buffer.from('SWARMLINT-ECHO/1')), undefined, 'cut short');
  t.same(parseEcho(Buffer.from(`SWARMLINT-ECHO/1 ${NONCE} 1/udp later=1\n`))?.held, [], 'a field this version does not know');
  t.same(
    parseEcho(Buffer.from(`SWARMLINT-ECHO/1 ${NONCE} 1/udp held=x,2/tcp\n`))?.held,
    [{ port: 2, protocol: 'tcp' }],
    'unreadable entries are skipped',
  );
  t.end();
});

t.test('ports and protocols', (t) => {
  t.same(parseSpec('2377/tcp'), { port: 2377, protocol: 'tcp' });
  t.equal(parseSpec('0/tcp'), undefined);
  t.equal(parseSpec('65536/udp'), undefined);
  t.equal(parseSpec('7946'), undefined);
  t.equal(specText({ port: 7946, protocol: 'udp' }), '7946/udp');
  t.end();
});
