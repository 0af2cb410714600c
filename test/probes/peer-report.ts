// What a peer's checks prove: TCP states, UDP proven by a responder (or closed by ICMP), silence only as
// open-or-filtered with an outcome, a responder that answers elsewhere making silence a block, ICMP and path MTU.
import t from 'tap';
import { peerFacts, type PeerRaw } from '../../probes/paths/peer-report.js';

const NONCE = '0123456789abcdef';
const echo = (port: number, protocol: 'tcp' | 'udp', held: { port: number; protocol: 'tcp' | 'udp' }[] = []) => ({
  nonce: NONCE,
  to: { port, protocol },
  held,
});
const base: PeerRaw = {
  address: '198.18.0.102',
  role: 'peer',
  device: 'eth0',
  deviceMtu: 1500,
  tcp: [{ port: 7946, raw: { kind: 'connected', echo: echo(7946, 'tcp'), ms: 3.4 } }],
  udp: [
    { port: 7946, raw: { kind: 'echo', echo: echo(7946, 'udp'), ms: 12.6 } },
    { port: 4789, raw: { kind: 'silence' } },
  ],
  icmp: { echo: { ok: true, rttMs: 0.4 }, search: { pathMtu: 1500, probedUpTo: 1500, rounds: 1, incomplete: false } },
};

t.test('a responder that echoes on 7946 but not on 4789: 4789 is filtered', (t) => {
  const { peer, outcomes } = peerFacts(base);
  t.same(peer, {
    address: '198.18.0.102',
    role: 'peer',
    device: 'eth0',
    deviceMtu: 1500,
    checks: [
      {
        protocol: 'tcp',
        port: 7946,
        method: 'connect',
        state: 'open',
        detail: 'connected in 3 ms; a swarmlint responder echoed the nonce',
      },
      { protocol: 'udp', port: 7946, state: 'open', method: 'responder', detail: 'the responder echoed the nonce in 13 ms' },
      {
        protocol: 'udp',
        port: 4789,
        state: 'filtered',
        method: 'responder',
        detail: 'no echo, while the responder on the peer answered on 7946/tcp, 7946/udp',
      },
      { protocol: 'icmp', state: 'open', method: 'echo', detail: 'echo reply in 0 ms' },
    ],
    pathMtu: 1500,
    pathMtuProbedUpTo: 1500,
  });
  t.same(outcomes, []);
  t.end();
});

t.test('a responder that could not bind 4789 (the far host is in a swarm): not proven, said so', (t) => {
  const { peer, outcomes } = peerFacts({
    ...base,
    tcp: [{ port: 7946, raw: { kind: 'connected', echo: echo(7946, 'tcp', [{ port: 4789, protocol: 'udp' }]), ms: 1 } }],
  });
  t.same(peer.checks[2], {
    protocol: 'udp',
    port: 4789,
    state: 'open-or-filtered',
    method: 'responder',
    detail: 'the responder on the peer could not bind this port',
  });
  t.same(outcomes, [
    {
      probe: 'peer/198.18.0.102/udp/4789',
      status: 'skipped',
      reason:
        "the responder on 198.18.0.102 could not bind udp/4789: another program holds it there (dockerd, or the kernel's VXLAN socket, once that host is in a swarm)",
      subject: 'whether UDP 4789 gets from this host to peer 198.18.0.102 and back',
    },
  ]);
  t.end();
});

t.test('no responder: silence proves nothing; ICMP port unreachable proves closed', (t) => {
  const { peer, outcomes } = peerFacts({
    ...base,
    role: 'manager',
    tcp: [
      { port: 2377, raw: { kind: 'timeout' } },
      { port: 7946, raw: { kind: 'refused', ms: 1 } },
      { port: 2378, raw: { kind: 'connected', ms: 2 } },
    ],
    udp: [
      { port: 7946, raw: { kind: 'refused', ms: 1 } },
      { port: 4789, raw: { kind: 'silence' } },
    ],
  });
  t.same(peer.checks.slice(0, 5), [
    { protocol: 'tcp', port: 2377, method: 'connect', state: 'filtered', detail: 'no answer to the connection attempt before the timeout' },
    {
      protocol: 'tcp',
      port: 7946,
      method: 'connect',
      state: 'closed',
      detail: 'connection refused: nothing listens there, or a firewall rejects it',
    },
    { protocol: 'tcp', port: 2378, method: 'connect', state: 'open', detail: 'connected in 2 ms' },
    { protocol: 'udp', port: 7946, state: 'closed', method: 'icmp-unreachable', detail: 'ICMP port unreachable: nothing listens there' },
    {
      protocol: 'udp',
      port: 4789,
      state: 'open-or-filtered',
      method: 'icmp-unreachable',
      detail: 'no answer and no ICMP port unreachable; no responder',
    },
  ]);
  t.same(outcomes, [
    {
      probe: 'peer/198.18.0.102/udp/4789',
      status: 'skipped',
      reason: 'no responder on 198.18.0.102 (run `swarmlint preflight --listen` there): UDP silence proves nothing',
      subject: 'whether UDP 4789 gets from this host to manager 198.18.0.102 and back',
    },
  ]);
  t.end();
});

t.test('errors: a local OUTPUT drop and an ICMP reject are blocks; anything else is an error', (t) => {
  const { peer } = peerFacts({
    ...base,
    tcp: [
      { port: 7946, raw: { kind: 'error', code: 'EPERM', message: 'connect EPERM' } },
      { port: 2377, raw: { kind: 'error', code: 'EHOSTUNREACH', message: 'connect EHOSTUNREACH 198.18.0.102:2377' } },
      { port: 1, raw: { kind: 'error', code: 'EMFILE', message: 'too many open files' } },
    ],
    udp: [
      { port: 7946, raw: { kind: 'error', code: 'EPERM', message: 'send EPERM' } },
      { port: 4789, raw: { kind: 'error', code: 'EINVAL', message: 'send EINVAL' } },
    ],
  });
  t.same(peer.checks.slice(0, 5), [
    {
      protocol: 'tcp',
      port: 7946,
      method: 'connect',
      state: 'filtered',
      detail: 'this host refused to send it (EPERM): a local firewall rule on OUTPUT drops it',
    },
    {
      protocol: 'tcp',
      port: 2377,
      method: 'connect',
      state: 'filtered',
      detail: 'connect EHOSTUNREACH 198.18.0.102:2377 (an ICMP error: a firewall rejecting it, or no route)',
    },
    { protocol: 'tcp', port: 1, method: 'connect', state: 'error', detail: 'too many open files' },
    {
      protocol: 'udp',
      port: 7946,
      state: 'filtered',
      method: 'send',
      detail: 'this host refused to send it (EPERM): a local firewall rule on OUTPUT drops it',
    },
    { protocol: 'udp', port: 4789, state: 'error', method: 'send', detail: 'send EINVAL' },
  ]);
  t.end();
});

t.test('ICMP: skipped without CAP_NET_RAW, no reply, a search the deadline cut short', (t) => {
  const skipped = peerFacts({ ...base, icmp: { skipped: 'no raw ICMP socket (Operation not permitted): ICMP needs root or CAP_NET_RAW' } });
  t.notOk(skipped.peer.checks.some((c) => c.protocol === 'icmp'));
  t.equal(skipped.peer.pathMtu, undefined);
  t.same(skipped.outcomes, [
    {
      probe: 'peer/198.18.0.102/icmp',
      status: 'skipped',
      reason: 'no raw ICMP socket (Operation not permitted): ICMP needs root or CAP_NET_RAW',
      subject: 'ICMP echo and the path MTU (DF set) to peer 198.18.0.102',
    },
  ]);
  const silent = peerFacts({ ...base, icmp: { echo: { ok: false, reason: 'timeout', message: 'Request timed out' } } });
  t.same(silent.peer.checks.at(-1), { protocol: 'icmp', state: 'filtered', method: 'echo', detail: 'Request timed out' });
  t.equal(silent.outcomes[0]?.probe, 'peer/198.18.0.102/path-mtu');
  const broken = peerFacts({ ...base, icmp: { echo: { ok: false, reason: 'error', message: 'socket closed' } } });
  t.equal(broken.peer.checks.at(-1)?.state, 'error');
  const cut = peerFacts({
    ...base,
    icmp: { echo: { ok: true, rttMs: 1 }, search: { pathMtu: 1185, probedUpTo: 1500, rounds: 1, incomplete: true } },
  });
  t.same([cut.peer.pathMtu, cut.peer.pathMtuProbedUpTo], [1185, 1500]);
  t.match(cut.outcomes, [
    { probe: 'peer/198.18.0.102/path-mtu', status: 'skipped', reason: /the deadline stopped the search: 1185 bytes got through/ },
  ]);
  const tiny = peerFacts({
    ...base,
    device: undefined,
    deviceMtu: undefined,
    icmp: { echo: { ok: true, rttMs: 1 } },
  } as unknown as PeerRaw);
  t.same([tiny.peer.device, tiny.peer.pathMtu], [undefined, undefined], 'no route known, no search done');
  t.end();
});
