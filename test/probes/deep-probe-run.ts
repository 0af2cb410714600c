// The deep probe's run with its outside world replaced where a test cannot have it (DNS of a swarm, ICMP, the
// clock stays real): peers on loopback addresses (127.0.0.x) with real hello servers and clients, echoes answered
// by a table. Covers healthy peers learning each other, the wait for late peers, an unreachable peer, an MTU black
// hole, DF unavailable, the host kind, and the CLI's one line before the deadline.
import t from 'tap';
import net from 'node:net';
import { DEEP_PROBE_HELP, runDeepProbeCli } from '../../cli/deep-probe.js';
import { deepProbeOptions, type ConnectRaw, type DeepProbeResult, type EchoOutcome } from '../../probes/deep/result.js';
import { samplePeers } from '../../probes/deep/sample.js';
import { emptyResult, runDeepProbe, sayHello, startHelloServer, type DeepProbeIo } from '../../probes/deep/run.js';

// The cases wait on their deadlines (5-8 s each, little CPU): they run side by side, each on its own port.
t.jobs = 4;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  return port;
}

const delay = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

interface Fake {
  /** Addresses `tasks.<service>` answers (may change over time). */
  dns: () => string[];
  /** This probe's own address (on "eth0", MTU 1450). */
  own: string;
  /** Echo answer by target and size; a timeout takes 100 ms. */
  echo?: (target: string, size: number, df: boolean) => EchoOutcome | 'timeout';
  df?: { ok: true } | { ok: false; reason: string };
  connect?: (address: string, port: number) => ConnectRaw;
  pings?: { target: string; size: number; df: boolean }[];
  /** How long an unanswered echo takes (default 100 ms). */
  timeoutDelayMs?: number;
}

function fakeIo(port: number, fake: Fake): DeepProbeIo {
  return {
    now: () => Date.now(),
    resolve: () => {
      const answers = fake.dns();
      if (answers.length === 0) return Promise.reject(Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' }));
      return Promise.resolve(answers);
    },
    interfaces: () => ({ lo: [{ address: '127.0.0.1', family: 'IPv4' }], eth0: [{ address: fake.own, family: 'IPv4' }] }),
    mtuOf: (ifname) => (ifname === 'eth0' ? 1450 : undefined),
    dfAvailable: () => fake.df ?? { ok: true },
    ping: async (target, size, df, _timeoutMs, signal) => {
      fake.pings?.push({ target, size, df });
      const answer = fake.echo?.(target, size, df) ?? { ok: true };
      if (answer === 'timeout') {
        await delay(fake.timeoutDelayMs ?? 100, signal);
        if (signal.aborted) return { ok: false, reason: 'stopped', message: 'stopped at the deadline' };
        return { ok: false, reason: 'timeout', message: 'Request timed out' };
      }
      return answer;
    },
    connect: (address, p) => Promise.resolve(fake.connect?.(address, p) ?? { kind: 'timeout' }),
    helloPort: port,
    helloHost: fake.own,
    log: () => undefined,
  };
}

const options = (service: string, extra: Record<string, unknown>) =>
  deepProbeOptions({ kind: 'plain', service, run: 'r1', deadline: '8', ...extra });

t.test('three healthy peers learn each other, pass both sizes and leave together long before the deadline', async (t) => {
  const port = await freePort();
  const all = ['127.0.0.11', '127.0.0.12', '127.0.0.13'];
  const started = Date.now();
  const results = await Promise.all(
    all.map((own, i) => {
      const o = options('svc', { expect: '3', 'node-id': `node${i + 1}`, hostname: `h${i + 1}` });
      return runDeepProbe(o, fakeIo(port, { own, dns: () => all }), emptyResult(o));
    }),
  );
  const elapsed = Date.now() - started;
  // The promise is the deadline (8 s); typically this takes 0.5–1 s, so the bound is far over 3× that.
  t.ok(elapsed < 8000, `all done in ${elapsed} ms, before the deadline (8000 ms)`);
  for (const [i, result] of results.entries()) {
    t.same(result.self, { address: all[i], mtu: 1450 });
    t.same(result.notes, [], `no notes on ${all[i] ?? ''}`);
    t.same(
      result.peers.map((p) => [p.address, p.node?.id, p.small.received, p.large.size, p.large.received, p.error]),
      all.filter((a) => a !== all[i]).map((a) => [a, `node${all.indexOf(a) + 1}`, 3, 1450, 3, undefined]),
    );
  }
});

t.test('--sample: each task probes only its sampled peers (and a peer whose hello fails), yet serves them all', async (t) => {
  const port = await freePort();
  const all = ['127.0.0.41', '127.0.0.42', '127.0.0.43', '127.0.0.44'];
  const ids = all.map((_, i) => `node${String(i + 1)}`);
  const ghost = '127.0.0.49'; // listed in DNS, nothing listens there: its hello fails, so it is probed all the same
  const results = await Promise.all(
    all.map((own, i) => {
      const o = options('svc', { expect: '4', 'node-id': ids[i], sample: '1', seed: 'seed7', ids: ids.join(',') });
      return runDeepProbe(
        o,
        fakeIo(port, { own, dns: () => [...all, ghost], echo: (target) => (target === ghost ? 'timeout' : { ok: true }) }),
        emptyResult(o),
      );
    }),
  );
  for (const [i, result] of results.entries()) {
    const picked = samplePeers('seed7', ids[i] ?? '', ids, 1);
    t.same(
      result.peers.map((p) => [p.node?.id ?? p.address, p.small.received]),
      [...picked.map((id) => [id, 3]), [ghost, 0]],
      `${ids[i] ?? ''} probed ${picked.join()} and the unknown ${ghost}`,
    );
  }
});

t.test('a peer that is late in DNS is waited for; a peer that is never listed is noted', async (t) => {
  const port = await freePort();
  const started = Date.now();
  const late = ['127.0.0.21', '127.0.0.22'];
  const lateResults = await Promise.all(
    late.map((own, i) => {
      const o = options('svc', { expect: '2', 'node-id': `n${i}` });
      return runDeepProbe(o, fakeIo(port, { own, dns: () => (Date.now() - started < 1500 ? [own] : late) }), emptyResult(o));
    }),
  );
  t.same(
    lateResults.map((r) => r.peers.map((p) => [p.address, p.small.received])),
    [[['127.0.0.22', 3]], [['127.0.0.21', 3]]],
  );
  t.ok(Date.now() - started >= 1500, 'waited for the late one');

  const o = options('svc', { expect: '3', deadline: '5' });
  const alone = await runDeepProbe(o, fakeIo(port, { own: '127.0.0.23', dns: () => ['127.0.0.23'] }), emptyResult(o));
  t.match(alone.notes, [/tasks\.svc listed 1 of 3 expected task\(s\) when waiting ended/, /2 peer\(s\) never said they were done/]);
  t.same(alone.peers, []);
  // Alone, it waits for the two missing peers until its plan says stop (4.5 s of a 5 s deadline, by design): the
  // promise tested is that it ends on its own deadline rather than waiting on; exact times belong to bench (the CLI's
  // watchdog is what guarantees the line before the deadline, tested below). 3× the deadline keeps load out of it.
  t.ok(alone.elapsed_ms < 3 * 5000, `ended on its deadline (${alone.elapsed_ms} ms; planned 4500 ms)`);
});

t.test('unreachable peer, MTU black hole, locally refused large echoes', async (t) => {
  const port = await freePort();
  const pings: Fake['pings'] = [];
  const o = options('svc', { expect: '4', deadline: '6', 'node-id': 'me' });
  const started = Date.now();
  const result = await runDeepProbe(
    o,
    fakeIo(port, {
      own: '127.0.0.31',
      // .32 does not exist (nothing listens: hello refused), .33 drops large echoes, .34 refuses them locally
      dns: () => ['127.0.0.31', '127.0.0.32', '127.0.0.33', '127.0.0.34'],
      echo: (target, size) => {
        if (target === '127.0.0.32') return 'timeout';
        if (target === '127.0.0.33' && size > 92) return 'timeout';
        if (target === '127.0.0.34' && size > 92) return { ok: false, reason: 'too-big', message: 'Message too long' };
        return { ok: true };
      },
      pings,
    }),
    emptyResult(o),
  );
  t.ok(Date.now() - started < 6000, 'before the deadline');
  const [p32, p33, p34] = result.peers;
  t.equal(p32?.node, null);
  t.equal(p32?.small.received, 0);
  t.ok((p32?.small.rounds ?? 0) > 1, `small echoes retried (${p32?.small.rounds ?? 0} rounds)`);
  t.equal(p32?.error, 'no answer to 92-byte echoes');
  t.same(p33?.large, { size: 1450, sent: 3, received: 0 });
  t.equal(p33?.error, 'no answer to 1450-byte DF echoes while 92-byte ones pass; hello failed (hello: ECONNREFUSED)');
  t.same(p34?.large, { size: 1450, sent: 0, received: 0 });
  t.match(p34?.error, /while 92-byte ones pass \(Message too long\)/);
  t.ok(
    pings.every((p) => p.df),
    'every echo had DF set',
  );
  t.match(result.notes, [/3 peer\(s\) never said they were done/]);
});

t.test('many unreachable peers: retries share one window, every peer is in the result, none cut short reads as lost', async (t) => {
  const port = await freePort();
  const peers = Array.from({ length: 100 }, (_, i) => `127.0.1.${i + 2}`);
  const o = options('svc', { expect: String(peers.length + 1), deadline: '6' });
  const started = Date.now();
  const result = await runDeepProbe(
    o,
    fakeIo(port, { own: '127.0.1.1', dns: () => ['127.0.1.1', ...peers], echo: () => 'timeout', timeoutDelayMs: 1000 }),
    emptyResult(o),
  );
  const elapsed = Date.now() - started;
  t.ok(elapsed < 3 * 6000, `ended inside three times its 6 s deadline (${String(elapsed)} ms; planned 5400 ms)`);
  t.same(
    result.peers.map((p) => p.address),
    peers,
    'every peer, in address order',
  );
  const lost = result.peers.filter((p) => p.small.untested === undefined);
  const cut = result.peers.filter((p) => p.small.untested !== undefined);
  t.ok(
    lost.every((p) => p.small.sent === 3 && p.small.received === 0),
    `${lost.length} peers got full rounds without an answer`,
  );
  t.ok(
    cut.every((p) => p.small.sent === 0 && /deadline/.test(p.small.untested ?? '') && /untested/.test(p.error ?? '')),
    `${cut.length} peers untested because of the deadline`,
  );
  t.ok(lost.length >= 32, 'the first batch of peers was tested');
  t.ok(cut.length > 0, 'the last ones were not, and say so');
});

t.test('without DF the large echoes are untested, not passed; small ones still go', async (t) => {
  const port = await freePort();
  const pings: Fake['pings'] = [];
  const o = options('svc', { expect: '2', deadline: '5' });
  const result = await runDeepProbe(
    o,
    fakeIo(port, {
      own: '127.0.0.41',
      dns: () => ['127.0.0.41', '127.0.0.42'],
      df: { ok: false, reason: 'DF cannot be set (EPERM)' },
      pings,
    }),
    emptyResult(o),
  );
  t.same(result.peers[0]?.large, { size: 1450, sent: 0, received: 0, untested: 'DF cannot be set (EPERM)' });
  t.equal(result.peers[0]?.small.received, 3);
  t.ok(
    pings.every((p) => p.size === 92 && !p.df),
    'only small echoes, without DF',
  );
  t.match(result.notes, [/DF cannot be set \(EPERM\): large echoes untested/]);
});

t.test('an explicit --mtu wins; no own address leaves the large echoes untested', async (t) => {
  const port = await freePort();
  let o = options('svc', { expect: '2', deadline: '5', mtu: '1400' });
  let result = await runDeepProbe(o, fakeIo(port, { own: '127.0.0.51', dns: () => ['127.0.0.51', '127.0.0.52'] }), emptyResult(o));
  t.same(result.self, { address: '127.0.0.51', mtu: 1400 });
  t.equal(result.peers[0]?.large.size, 1400);
  o = options('svc', { expect: '1', deadline: '5' });
  result = await runDeepProbe(o, fakeIo(port, { own: '127.0.0.53', dns: () => ['127.0.0.54'] }), emptyResult(o));
  t.equal(result.self, null);
  t.match(result.notes, [/own address unknown/]);
  t.match(result.peers[0]?.large, { sent: 0, untested: /overlay MTU is unknown/ });
});

t.test('host kind: TCP to managers and nodes, never to itself', async (t) => {
  const o = deepProbeOptions({ kind: 'host', managers: '198.18.0.101', nodes: '198.18.0.101,198.18.0.102,198.18.0.103', deadline: '5' });
  const result = await runDeepProbe(
    o,
    fakeIo(0, {
      own: '198.18.0.103',
      dns: () => [],
      connect: (address, port) =>
        port === 2377 ? { kind: 'connected' } : address === '198.18.0.102' ? { kind: 'refused' } : { kind: 'timeout' },
    }),
    emptyResult(o),
  );
  t.same(result.control, [
    { to: '198.18.0.101', port: 2377, verdict: 'open' },
    { to: '198.18.0.101', port: 7946, verdict: 'filtered', error: 'no answer within 3000 ms' },
    { to: '198.18.0.102', port: 7946, verdict: 'closed', error: 'connection refused' },
  ]);
  t.same(result.peers, []);
  t.equal(result.self, null);
  const none = deepProbeOptions({ kind: 'host' });
  t.match((await runDeepProbe(none, fakeIo(0, { own: '10.0.0.1', dns: () => [] }), emptyResult(none))).notes, [/no control-plane target/]);
});

t.test('the hello server answers garbage with its id and ignores it; a busy port is a note', async (t) => {
  const port = await freePort();
  const io = fakeIo(port, { own: '127.0.0.61', dns: () => [] });
  const server = await startHelloServer(io, { id: 'n61', hostname: 'h61' }, () => undefined);
  try {
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: '127.0.0.61', port }, () => socket.write('garbage\n'));
      let data = '';
      socket.on('data', (c: Buffer) => {
        data += c.toString();
      });
      socket.on('close', () => {
        resolve(data);
      });
    });
    t.equal(answer, '{"id":"n61","hostname":"h61"}\n');
    t.equal(server.doneFrom.size, 0);
    t.same(await sayHello(io, '127.0.0.61', { id: 'x', hostname: 'y', done: true }, new AbortController().signal), {
      id: 'n61',
      hostname: 'h61',
    });
    t.same([...server.doneFrom], ['x']);
    const o = options('svc', { expect: '1', deadline: '5' });
    const result = await runDeepProbe(o, io, emptyResult(o));
    t.match(result.notes, [/hello server on TCP \d+ could not start .*EADDRINUSE/]);
  } finally {
    await server.close();
  }
  const stopped = new AbortController();
  stopped.abort();
  t.equal(await sayHello(io, '127.0.0.61', { id: 'x', hostname: 'y' }, stopped.signal), 'stopped at the deadline');
});

t.test('the CLI prints exactly one JSON line, and help; usage errors name the option', async (t) => {
  const port = await freePort();
  let out = '';
  const code = await runDeepProbeCli(
    ['--kind', 'plain', '--service', 'svc', '--expect', '1', '--deadline', '5', '--run', 'r9', '--node-id', 'n', '--hostname', 'h'],
    fakeIo(port, { own: '127.0.0.71', dns: () => ['127.0.0.71'] }),
    (s) => (out += s),
  );
  t.equal(code, 0);
  t.equal(out.split('\n').length, 2, 'one line and its newline');
  const result = JSON.parse(out) as DeepProbeResult;
  t.match(result, {
    swarmlint: 'deep-probe',
    version: 1,
    run: 'r9',
    kind: 'plain',
    node: { id: 'n', hostname: 'h' },
    self: { address: '127.0.0.71' },
  });
  out = '';
  t.equal(await runDeepProbeCli(['--help'], fakeIo(port, { own: '127.0.0.71', dns: () => [] }), (s) => (out += s)), 0);
  t.equal(out, `${DEEP_PROBE_HELP}\n`);
  await t.rejects(runDeepProbeCli(['--kind', 'bogus']), { name: 'UsageError', message: /--kind/ });
  await t.rejects(runDeepProbeCli(['--kind', 'host', 'extra']), { name: 'UsageError', message: /no arguments/ });
  await t.rejects(runDeepProbeCli(['--kind', 'host', '--what']), { name: 'UsageError' });
});

t.test('a SIGTERM-like stop ends the run early with a note', async (t) => {
  const port = await freePort();
  const o = options('svc', { expect: '3', deadline: '30' });
  const stop = new AbortController();
  setTimeout(() => {
    stop.abort();
  }, 300);
  const started = Date.now();
  const result = await runDeepProbe(o, fakeIo(port, { own: '127.0.0.81', dns: () => ['127.0.0.81'] }), emptyResult(o), stop.signal);
  t.ok(Date.now() - started < 2000, 'stopped quickly');
  t.match(result.notes, [/listed 1 of 3/, /never said they were done/, /stopped by a signal/]);
});

t.test('--start-wait: a task that starts after the others would have ended still finds them up', async (t) => {
  // Task a starts alone; b starts 5 s later, after the 5 s deadline a has without a start wait.
  const run = async (startWait: string): Promise<DeepProbeResult[]> => {
    const port = await freePort();
    const started = Date.now();
    const both = ['127.0.0.41', '127.0.0.42'];
    const dns = (): string[] => (Date.now() - started < 5000 ? ['127.0.0.41'] : both);
    const task = (own: string, id: string): Promise<DeepProbeResult> => {
      const o = options('late', { expect: '2', deadline: '5', 'start-wait': startWait, 'node-id': id });
      return runDeepProbe(o, fakeIo(port, { own, dns }), emptyResult(o));
    };
    const a = task('127.0.0.41', 'na');
    await new Promise((resolve) => setTimeout(resolve, 5000));
    return Promise.all([a, task('127.0.0.42', 'nb')]);
  };
  const [a, b] = await run('10');
  t.same(
    [a, b].map((r) => r?.peers.map((p) => [p.address, p.small.received])),
    [[['127.0.0.42', 3]], [['127.0.0.41', 3]]],
    'each found the other and both small echoes rounds passed',
  );
  t.match(a?.notes, [/waited \d+ s longer than usual for the tasks to appear in DNS: the deadline counts from then/]);
  t.notOk(
    a?.notes.some((n) => /never said they were done/.test(n)),
    'and they left together',
  );
  // Without the start wait, a gave up on b before b started: what the start wait is for.
  const [alone] = await run('0');
  t.same(alone?.peers, [], 'without it, a tested no one');
  t.match(alone?.notes, [/tasks\.late listed 1 of 2 expected task\(s\) when waiting ended/]);
});

t.test(
  '--start-wait: a task whose DNS lags finds the others still up: they stay for a peer that answered but did not say it is done',
  async (t) => {
    const port = await freePort();
    const started = Date.now();
    const both = ['127.0.0.51', '127.0.0.52'];
    // a sees both at once; b's DNS lists only itself for 6 s, past a's 5 s deadline.
    const dnsOf = (own: string) => (): string[] => (own === '127.0.0.52' && Date.now() - started < 6000 ? [own] : both);
    const task = (own: string, id: string): Promise<DeepProbeResult> => {
      const o = options('lag', { expect: '2', deadline: '5', 'start-wait': '10', 'node-id': id });
      return runDeepProbe(o, fakeIo(port, { own, dns: dnsOf(own) }), emptyResult(o));
    };
    const [a, b] = await Promise.all([task('127.0.0.51', 'na'), task('127.0.0.52', 'nb')]);
    t.same(
      b.peers.map((p) => [p.address, p.node?.id, p.small.received]),
      [['127.0.0.51', 'na', 3]],
      "b found a up: a's hello server answered with its node",
    );
    t.match(a.notes, [/stayed \d+ s past its deadline for peers that answered but had not said they were done/]);
    t.notOk(
      a.notes.some((n) => /never said they were done/.test(n)),
      'b said it was done, and a left then',
    );
    t.ok(a.elapsed_ms < 3 * 15_000, `a ended within three times its start wait and deadline (${String(a.elapsed_ms)} ms)`);
  },
);
