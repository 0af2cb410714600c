// The deep probe's pure decisions: options, echo counting, peer errors, hello lines, TCP verdicts, own address,
// the time budget.
import t from 'tap';
import {
  budget,
  connectVerdict,
  controlTargets,
  countRound,
  deepProbeOptions,
  encodeHello,
  HELLO_MAX_BYTES,
  ownAddress,
  parseHello,
  peerAddresses,
  peerError,
  SMALL_SIZE,
} from '../../probes/deep/result.js';
import { DEEP_IMAGE } from '../../probes/deep/image.js';
import { TOOL_VERSION } from '../../language/meta.js';

t.test('the image tag carries the version', (t) => {
  t.equal(DEEP_IMAGE, `swarmlint/deep:${TOOL_VERSION}`);
  t.end();
});

t.test('options: checked, defaults, lists', (t) => {
  const options = deepProbeOptions({
    run: 'r1',
    kind: 'plain',
    service: 'swarmlint-deep-r1-plain',
    expect: '3',
    deadline: '40',
    managers: ['198.18.0.101'],
    nodes: ['198.18.0.101,198.18.0.102', '198.18.0.103,198.18.0.101'],
    'node-id': 'abc',
    hostname: 'n1',
  });
  t.same(options, {
    run: 'r1',
    kind: 'plain',
    service: 'swarmlint-deep-r1-plain',
    expect: 3,
    deadlineMs: 40_000,
    startWaitMs: 0,
    managers: ['198.18.0.101'],
    nodes: ['198.18.0.101', '198.18.0.102', '198.18.0.103'],
    node: { id: 'abc', hostname: 'n1' },
  });
  t.equal(deepProbeOptions({ kind: 'plain', service: 's', mtu: '1450' }).mtu, 1450);
  t.equal(deepProbeOptions({ kind: 'plain', service: 's', 'start-wait': '30' }).startWaitMs, 30_000);
  t.equal(deepProbeOptions({ kind: 'host', 'start-wait': '30' }).startWaitMs, 0, 'the host kind waits for no DNS');
  t.throws(() => deepProbeOptions({ kind: 'plain', service: 's', 'start-wait': '-1' }), /--start-wait/);
  t.same(deepProbeOptions({ kind: 'host' }), {
    run: '',
    kind: 'host',
    service: '',
    expect: 1,
    deadlineMs: 60_000,
    startWaitMs: 0,
    managers: [],
    nodes: [],
    node: { id: '', hostname: '' },
  });
  t.same(
    deepProbeOptions(
      { kind: 'host', 'node-id': '{{.Node.ID}}' },
      { SWARMLINT_NODE_ID: 'nid', SWARMLINT_NODE_HOSTNAME: 'swl-n2', SWARMLINT_DEEP_RUN: 'run7' },
    ).node,
    { id: 'nid', hostname: 'swl-n2' },
    'identity from the environment when Args carry an unexpanded template',
  );
  t.equal(deepProbeOptions({ kind: 'host' }, { SWARMLINT_DEEP_RUN: 'run7' }).run, 'run7');
  t.equal(deepProbeOptions({ kind: 'host', run: 'r' }, { SWARMLINT_DEEP_RUN: 'run7' }).run, 'r', 'an option wins');
  t.equal(deepProbeOptions({ kind: 'host' }, { SWARMLINT_NODE_ID: '{{.Node.ID}}' }).node.id, '', 'never a template');
  t.throws(() => deepProbeOptions({}), /--kind must be one of plain, encrypted, host/);
  t.throws(() => deepProbeOptions({ kind: 'udp' }), /not "udp"/);
  t.throws(() => deepProbeOptions({ kind: 'plain' }), /--service NAME is required/);
  t.throws(() => deepProbeOptions({ kind: 'plain', service: 'bad name' }), /--service/);
  t.throws(() => deepProbeOptions({ kind: 'plain', service: 's', expect: '0' }), /--expect must be an integer from 1/);
  t.throws(() => deepProbeOptions({ kind: 'plain', service: 's', deadline: '2' }), /--deadline must be an integer from 5 to 3600, not "2"/);
  t.throws(() => deepProbeOptions({ kind: 'plain', service: 's', deadline: '1e3' }), /--deadline/);
  t.throws(() => deepProbeOptions({ kind: 'plain', service: 's', mtu: '100' }), /--mtu/);
  t.throws(() => deepProbeOptions({ kind: 'host', nodes: ['198.18.0.1,node-3'] }), /--nodes: "node-3" is not an IPv4 address/);
  t.throws(() => deepProbeOptions({ kind: 'host', managers: 'fe80::1' }), /--managers/);
  t.end();
});

t.test('an echo round: sent excludes echoes refused locally, errors other than timeouts are kept', (t) => {
  t.same(countRound(92, [{ ok: true }, { ok: true }, { ok: true }]), { counts: { size: 92, sent: 3, received: 3 }, errors: [] });
  t.same(
    countRound(1450, [
      { ok: false, reason: 'timeout', message: 'Request timed out' },
      { ok: false, reason: 'timeout', message: 'Request timed out' },
      { ok: true },
    ]),
    { counts: { size: 1450, sent: 3, received: 1 }, errors: [] },
  );
  t.same(
    countRound(1450, [
      { ok: false, reason: 'too-big', message: 'Message too long' },
      { ok: false, reason: 'too-big', message: 'Message too long' },
      { ok: false, reason: 'too-big', message: 'Packet too big (mtu 1250)' },
    ]),
    { counts: { size: 1450, sent: 1, received: 0 }, errors: ['Message too long', 'Packet too big (mtu 1250)'] },
  );
  t.same(
    countRound(92, [{ ok: false, reason: 'stopped', message: 'stopped at the deadline' }, { ok: true }]),
    { counts: { size: 92, sent: 1, received: 1 }, errors: [] },
    'an echo cut short by the deadline is neither sent nor lost',
  );
  t.end();
});

t.test('peer errors: unreachable, MTU black hole, nothing when all pass, untested large is no failure', (t) => {
  const round = (size: number, received: number, errors: string[] = []) => ({ counts: { size, sent: 3, received }, errors });
  t.equal(peerError(round(92, 3), round(1450, 3)), undefined);
  t.equal(peerError(round(92, 0), round(1450, 0)), 'no answer to 92-byte echoes');
  t.equal(peerError(round(92, 0, ['Destination unreachable']), round(1450, 0)), 'no answer to 92-byte echoes (Destination unreachable)');
  t.equal(peerError(round(92, 2), round(1450, 0)), 'no answer to 1450-byte DF echoes while 92-byte ones pass');
  t.equal(
    peerError(round(92, 3), round(1450, 0, ['Message too long'])),
    'no answer to 1450-byte DF echoes while 92-byte ones pass (Message too long)',
  );
  t.equal(peerError(round(92, 3), { counts: { size: 1450, sent: 0, received: 0, untested: 'DF cannot be set' }, errors: [] }), undefined);
  t.equal(SMALL_SIZE, 92, '64 bytes of payload + 8 ICMP + 20 IP');
  t.end();
});

t.test('hello lines round-trip and garbage is refused', (t) => {
  t.equal(encodeHello({ id: 'n1', hostname: 'h1' }), '{"id":"n1","hostname":"h1"}\n');
  t.same(parseHello(encodeHello({ id: 'n1', hostname: 'h1', done: true })), { id: 'n1', hostname: 'h1', done: true });
  t.same(parseHello('{"id":"n1","hostname":"h1","done":"yes"}\nmore'), { id: 'n1', hostname: 'h1' });
  t.equal(parseHello('not json\n'), undefined);
  t.equal(parseHello('null\n'), undefined);
  t.equal(parseHello('{"id":1,"hostname":"h"}\n'), undefined);
  t.equal(parseHello(`{"id":"${'x'.repeat(200)}","hostname":"h"}\n`), undefined);
  t.equal(parseHello(`{"id":"a","hostname":"${'x'.repeat(HELLO_MAX_BYTES)}"}\n`), undefined);
  t.end();
});

t.test('TCP verdicts and control targets', (t) => {
  t.same(connectVerdict({ kind: 'connected' }, '198.18.0.101', 2377, 3000), { to: '198.18.0.101', port: 2377, verdict: 'open' });
  t.same(connectVerdict({ kind: 'refused' }, 'a', 7946, 3000), { to: 'a', port: 7946, verdict: 'closed', error: 'connection refused' });
  t.same(connectVerdict({ kind: 'timeout' }, 'a', 7946, 3000), {
    to: 'a',
    port: 7946,
    verdict: 'filtered',
    error: 'no answer within 3000 ms',
  });
  t.same(connectVerdict({ kind: 'error', code: 'EHOSTUNREACH', message: 'connect EHOSTUNREACH' }, 'a', 7946, 3000), {
    to: 'a',
    port: 7946,
    verdict: 'filtered',
    error: 'EHOSTUNREACH: connect EHOSTUNREACH',
  });
  t.same(controlTargets({ managers: ['10.0.0.1'], nodes: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] }, new Set(['10.0.0.2'])), [
    { to: '10.0.0.1', port: 2377 },
    { to: '10.0.0.1', port: 7946 },
    { to: '10.0.0.3', port: 7946 },
  ]);
  t.end();
});

t.test('own address: the DNS answer a local interface holds (never the gateway bridge)', (t) => {
  const interfaces = {
    lo: [{ address: '127.0.0.1', family: 'IPv4' }],
    eth1: [{ address: '172.18.0.3', family: 'IPv4' }],
    eth0: [
      { address: 'fe80::1', family: 'IPv6' },
      { address: '10.0.5.7', family: 'IPv4' },
    ],
  };
  t.same(ownAddress(['10.0.5.3', '10.0.5.7'], interfaces), { address: '10.0.5.7', ifname: 'eth0' });
  t.equal(ownAddress(['10.0.5.3'], interfaces), undefined);
  t.same(ownAddress(['10.0.5.7'], { eth0: [{ address: '10.0.5.7', family: 4 }] }), { address: '10.0.5.7', ifname: 'eth0' });
  t.same(peerAddresses(['10.0.0.10', '10.0.0.9', 'fe80::1', '10.0.0.9', '9.0.0.1']), ['9.0.0.1', '10.0.0.9', '10.0.0.10']);
  t.end();
});

t.test('the budget: wait, then probe, then print before the deadline', (t) => {
  const b = budget(1000, 60_000, 1000);
  t.equal(b.printAt, 59_500);
  t.equal(b.waitUntil, 59_500 - 8000);
  t.ok(b.probeUntil < b.printAt);
  const short = budget(0, 5000, 1000);
  t.equal(short.printAt, 4500);
  t.equal(short.waitUntil, 2250, 'a short deadline waits half of it at most');
  t.end();
});
