// swarmlint preflight on the lab: node 3 is a host about to join (dockerd running, not in the swarm), node 1 the
// manager, node 2 another host about to join that runs the responder (`swarmlint preflight --listen`). Each fault is
// injected, preflight runs "on" node 3 (its network namespace and hostname), and the findings name the peer, port or
// interface; then the fault is healed. One lab for the whole file.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import t, { type Test } from 'tap';
import type { PreflightFacts } from '../../language/facts-format.js';
import { decide, prerequisites, up, waitFor } from '../../lab/index.js';
import { systemInterfaces } from '../../probes/adapters/system.js';
import { parseAddrShow } from '../../probes/parse/ip.js';
import { runCommand } from '../../probes/adapters/command.js';
import { SOURCE_MAIN as MAIN, typescriptArgv } from '../helpers/cli.js';

interface Finding {
  ruleId: string;
  severity: string;
  message: string;
  file?: string;
  logical: { kind: string; name: string }[];
}
interface Run {
  code: number | null;
  facts: PreflightFacts;
  findings: Finding[];
  stderr: string;
  ms: number;
}

const decision = decide(prerequisites());
if (!decision.run) {
  if ('fail' in decision) t.fail(decision.fail);
  else t.plan(0, decision.skip);
} else {
  await main();
}

/** This kernel's config, where it tells (for findings that are about the machine the lab runs on, not a fault). */
function kernelConfig(): string {
  try {
    return gunzipSync(readFileSync('/proc/config.gz')).toString('utf8');
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  const began = Date.now();
  const lab = await up({
    nodes: 3,
    managers: 1,
    standby: 2,
    log: (line) => {
      t.comment(line);
    },
  });
  t.teardown(() => lab.down());
  const [manager, peer, self] = [lab.node(1), lab.node(2), lab.node(3)];
  const dir = mkdtempSync(join(tmpdir(), 'swarmlint-lab-preflight-'));
  t.teardown(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  // The CLI as the tests run it (tap's TypeScript loader), inside a node's network and UTS namespaces.
  const cli = [process.execPath, ...typescriptArgv(), '--', MAIN];
  let runs = 0;

  /** `swarmlint preflight` on node 3 against the manager (and node 2 as a peer), its facts and findings. */
  const preflight = async (options: { wrap?: string[]; args?: string[] } = {}): Promise<Run> => {
    const facts = join(dir, `facts-${String(++runs)}.json`);
    const args = [
      'preflight',
      '--manager',
      manager.address,
      '--peer',
      peer.address,
      '--manager-docker-host',
      `unix://${manager.socketPath}`,
      '--docker-host',
      `unix://${self.socketPath}`,
      '--save-facts',
      facts,
      '--format',
      'json',
      ...(options.args ?? []),
    ];
    const started = Date.now();
    const r = await lab.nodeExec(3, [...(options.wrap ?? []), ...cli, ...args], {
      timeoutMs: 60_000,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' },
    });
    const ms = Date.now() - started;
    if (r.code !== 0 && r.code !== 1) throw new Error(`preflight exited ${String(r.code)}: ${r.stderr}`);
    return {
      code: r.code,
      facts: JSON.parse(readFileSync(facts, 'utf8')) as PreflightFacts,
      findings: (JSON.parse(r.stdout) as { findings: Finding[] }).findings,
      stderr: r.stderr,
      ms,
    };
  };
  const errors = (run: Run): Finding[] => run.findings.filter((f) => f.severity === 'error');
  const ofRule = (run: Run, ruleId: string): Finding[] => run.findings.filter((f) => f.ruleId === ruleId);
  const checkOf = (run: Run, address: string, protocol: string, port?: number) =>
    run.facts.peers.find((p) => p.address === address)?.checks.find((c) => c.protocol === protocol && c.port === port);

  // This kernel has no IPVS (lab/README.md): kernel-prerequisites says so on every run, rightly. It is about the
  // machine, not about a fault, so it is set apart here, and only where the kernel's config confirms it.
  const noIpvs = /^# CONFIG_IP_VS is not set$/m.test(kernelConfig());
  const machine = (f: Finding): boolean => noIpvs && f.ruleId === 'kernel-prerequisites' && f.message.includes('`ip_vs` is missing');
  t.comment(`kernel without IPVS: ${String(noIpvs)}`);

  // The responder on node 2, for the whole file.
  const responder = spawn(
    'nsenter',
    ['--target', String(peer.dockerdPid), '--uts', `--net=${peer.netnsPath}`, '--', ...cli, 'preflight', '--listen', '--deadline', '280'],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' } },
  );
  let responderLog = '';
  const listening = new Promise<void>((resolve, reject) => {
    responder.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      responderLog += chunk;
      if (responderLog.includes('listening on')) resolve();
    });
    responder.on('exit', (code) => {
      reject(new Error(`the responder exited ${String(code)}: ${responderLog}`));
    });
  });
  const responderDone = new Promise<void>((resolve) =>
    responder.on('exit', () => {
      resolve();
    }),
  );
  t.teardown(async () => {
    responder.kill('SIGTERM');
    await responderDone;
  });
  await listening;
  t.comment(responderLog.trim());

  /** A fault case: whatever happens inside, every fault is healed before the next case. */
  const faultCase = async (name: string, fn: (t: Test) => Promise<void>): Promise<void> => {
    await t.test(name, async (t) => {
      try {
        await fn(t);
      } finally {
        await lab.heal();
      }
    });
  };

  await t.test('healthy: no error before the join, and node 3 then joins', async (t) => {
    const run = await preflight();
    t.comment(`preflight took ${String(run.ms)} ms (a TypeScript start-up included)`);
    t.same(
      errors(run).filter((f) => !machine(f)),
      [],
      'no error',
    );
    t.equal(run.code, errors(run).length > 0 ? 1 : 0, 'exit code as lint');
    const f = run.facts;
    t.equal(f.host?.hostname, self.hostname, "node 3's hostname");
    t.same(f.host?.engine, { version: f.host?.engine?.version, swarmState: 'inactive' }, 'its engine is in no swarm yet');
    t.same(f.host?.listeners, [], 'nothing holds a swarm port yet');
    t.equal(f.host?.interfaces.find((i) => i.name === 'eth0')?.mtu, 1500);
    t.ok(
      f.host?.firewall.length === 10 && f.host.firewall.every((v) => v.verdict === 'accept' && v.rule === '-P INPUT ACCEPT'),
      'the firewall accepts, by its policy',
    );
    t.equal(f.networks.find((n) => n.ingress)?.subnets[0], '10.0.0.0/24', "the manager's ingress, through its Engine API");
    t.same(
      [checkOf(run, manager.address, 'tcp', 2377)?.state, checkOf(run, manager.address, 'tcp', 7946)?.state],
      ['open', 'open'],
      'manager: TCP',
    );
    t.same(
      [checkOf(run, manager.address, 'udp', 7946)?.state, checkOf(run, manager.address, 'udp', 4789)?.state],
      ['open-or-filtered', 'open-or-filtered'],
      'manager: UDP cannot be proven (dockerd and the kernel hold those ports there; no responder)',
    );
    t.same(
      [checkOf(run, peer.address, 'udp', 7946)?.state, checkOf(run, peer.address, 'udp', 4789)?.state],
      ['open', 'open'],
      'node 2: UDP proven by the responder',
    );
    t.same(
      f.peers.map((p) => [p.address, p.device, p.deviceMtu, p.pathMtu, p.pathMtuProbedUpTo]),
      [
        [manager.address, 'eth0', 1500, 1500, 1500],
        [peer.address, 'eth0', 1500, 1500, 1500],
      ],
      'path MTU with DF: the whole 1500',
    );
    t.same(
      ofRule(run, 'probe-skipped').map((s) => s.severity),
      ['warning', 'warning'],
      'the two UDP ports of the manager are reported as not checked (warnings)',
    );

    // `swarmlint lint` re-evaluates the saved facts offline, with the same findings.
    const saved = join(dir, `facts-${String(runs)}.json`);
    const again = await runCommand(process.execPath, [...typescriptArgv(), '--', MAIN, 'lint', '-f', 'json', saved], {
      signal: new AbortController().signal,
      timeoutMs: 60_000,
    });
    t.same(
      (JSON.parse(again.stdout) as { findings: Finding[] }).findings.map((x) => x.message),
      run.findings.map((x) => x.message),
      'swarmlint lint FACTS.json: the same findings',
    );

    await lab.join(3);
    t.pass('node 3 joined and is ready');
    // dockerd opens the kernel's VXLAN socket when it programs the ingress network, a moment after the node is
    // ready (seconds later when another lab shares the CPUs): wait for it, so the preflight below sees the joined host.
    await waitFor(
      'the kernel VXLAN socket on node 3 after the join',
      async () => {
        const ss = await lab.exec(3, ['ss', '-Hnul', 'sport = :4789']);
        return ss.stdout.trim() ? { done: true, value: undefined } : { done: false, seen: ss.stdout || ss.stderr || 'no socket' };
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const after = await preflight();
    t.same(
      after.facts.host?.engine && [after.facts.host.engine.swarmState, after.facts.host.engine.role],
      ['active', 'worker'],
      'after the join: a worker',
    );
    t.same(
      after.facts.host?.listeners.map((l) => `${String(l.port)}/${l.protocol} ${l.address} ${l.process ?? 'no process'}`).sort(),
      ['4789/udp 0.0.0.0 no process', `7946/tcp ${self.address} dockerd`, `7946/udp ${self.address} dockerd`],
      'dockerd holds 7946, the kernel VXLAN socket (no process) 4789',
    );
    t.same(ofRule(after, 'port-in-use'), [], 'its own sockets are no conflict');
    await lab.leave(3);
  });

  await faultCase('2377 dropped at the manager for this node only', async (t) => {
    await lab.fault('drop-control', 1, { from: 3 });
    const run = await preflight();
    t.equal(checkOf(run, manager.address, 'tcp', 2377)?.state, 'filtered');
    const found = ofRule(run, 'swarm-port-reachable');
    t.equal(found.length, 1, 'one finding');
    t.match(found[0], {
      severity: 'error',
      message: /^Port 2377\/tcp of manager 198\.18\.0\.101 .* did not answer the connection \(filtered\): it is the swarm control plane/,
    });
    t.equal(run.code, 1);
    t.equal(checkOf(run, manager.address, 'tcp', 7946)?.state, 'open', 'gossip still passes');
  });

  await faultCase('7946 dropped at the manager and at node 2', async (t) => {
    await lab.fault('drop-gossip', 1);
    await lab.fault('drop-gossip', 2);
    const run = await preflight();
    const found = ofRule(run, 'swarm-port-reachable').map((f) => f.message);
    t.equal(found.length, 3, found.join('\n'));
    t.match(found, [
      /^Port 7946\/tcp of manager 198\.18\.0\.101 /,
      /^Port 7946\/tcp of peer 198\.18\.0\.102 /,
      /^Port 7946\/udp of peer 198\.18\.0\.102 .*let nothing through to the responder/,
    ]);
    t.equal(
      checkOf(run, manager.address, 'udp', 7946)?.state,
      'open-or-filtered',
      "the manager's UDP 7946 stays unproven: no responder can run there",
    );
    t.equal(checkOf(run, peer.address, 'udp', 4789)?.state, 'open', "node 2's responder still answers on 4789");
  });

  await faultCase('4789 dropped at node 2 (with a responder)', async (t) => {
    await lab.fault('drop-vxlan', 2);
    const run = await preflight();
    t.match(checkOf(run, peer.address, 'udp', 4789), { state: 'filtered', method: 'responder' });
    const found = ofRule(run, 'swarm-port-reachable');
    t.equal(found.length, 1);
    t.match(
      found[0]?.message,
      /^Port 4789\/udp of peer 198\.18\.0\.102 let nothing through to the responder \(filtered\): it carries the VXLAN data path/,
    );
  });

  await faultCase("the manager's underlay at MTU 1300: the path MTU is measured with DF", async (t) => {
    await lab.fault('underlay-mtu', 1, { mtu: 1300 });
    const run = await preflight();
    const path = run.facts.peers.find((p) => p.address === manager.address);
    // A veth takes 4 bytes over its MTU (room for a VLAN tag): 1300 to 1304 is what the wire carries.
    t.ok(path?.pathMtu !== undefined && path.pathMtu >= 1300 && path.pathMtu <= 1304, `path MTU ${String(path?.pathMtu)}`);
    t.equal(path?.pathMtuProbedUpTo, 1500);
    t.equal(run.facts.peers.find((p) => p.address === peer.address)?.pathMtu, 1500, 'node 2 is unaffected');
    const found = ofRule(run, 'path-mtu');
    t.equal(found.length, 1);
    t.match(
      found[0]?.message,
      /^The path to manager 198\.18\.0\.101 .*carries packets of at most 130\d bytes with DF set \(the limit is beyond this host/,
    );
  });

  await faultCase("this node's own underlay at MTU 1300", async (t) => {
    await lab.fault('underlay-mtu', 3, { mtu: 1300 });
    const run = await preflight();
    t.equal(run.facts.host?.interfaces.find((i) => i.name === 'eth0')?.mtu, 1300);
    t.same(
      run.facts.peers.map((p) => [p.deviceMtu, p.pathMtu, p.pathMtuProbedUpTo]),
      [
        [1300, 1300, 1300],
        [1300, 1300, 1300],
      ],
    );
    const found = ofRule(run, 'overlay-mtu');
    t.ok(found.length >= 1, found.map((f) => f.message).join('\n'));
    t.match(found[0]?.message, /`eth0`/);
    t.match(found[0]?.message, /1300/);
  });

  await faultCase('an address of the ingress subnet on this node', async (t) => {
    const fault = await lab.fault('ingress-address', 3);
    const run = await preflight();
    t.ok(run.facts.host?.interfaces.find((i) => i.name === 'eth0')?.addresses.includes(`${fault.address ?? ''}/24`));
    const found = ofRule(run, 'subnet-overlap');
    t.ok(found.length >= 1, found.map((f) => f.message).join('\n'));
    t.match(found[0], {
      severity: 'error',
      message: /interface `eth0` \(10\.0\.0\.250\/24\) overlaps the ingress network's subnet 10\.0\.0\.0\/24/,
    });
  });

  await t.test('without CAP_NET_RAW, ICMP is skipped with the reason; everything else still runs', async (t) => {
    const run = await preflight({ wrap: ['setpriv', '--inh-caps=-net_raw', '--bounding-set=-net_raw', '--'] });
    t.equal(run.facts.host?.capNetRaw, false);
    t.equal(run.facts.host?.root, true);
    for (const address of [manager.address, peer.address]) {
      const outcome = run.facts.outcomes.find((o) => o.probe === `peer/${address}/icmp`);
      t.match(outcome, { status: 'skipped', reason: /ICMP needs root or CAP_NET_RAW/ }, address);
      t.equal(run.facts.peers.find((p) => p.address === address)?.pathMtu, undefined);
    }
    t.equal(checkOf(run, manager.address, 'tcp', 2377)?.state, 'open', 'TCP still checked');
    t.equal(checkOf(run, peer.address, 'udp', 4789)?.state, 'open', 'UDP still checked');
    t.ok(run.facts.host?.firewall.length, 'the firewall still read');
    const skipped = ofRule(run, 'probe-skipped').filter((f) => f.message.includes('CAP_NET_RAW'));
    t.equal(skipped.length, 2);
    t.ok(
      skipped.every((f) => f.severity === 'warning'),
      'skipped, not failed',
    );
    t.same(
      errors(run).filter((f) => !machine(f)),
      [],
      'no error',
    );
  });

  await t.test('--listen on the manager: every swarm port is held there, and it says so', async (t) => {
    const r = await lab.nodeExec(1, [...cli, 'preflight', '--listen', '--deadline', '1'], {
      timeoutMs: 60_000,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' },
    });
    t.equal(r.code, 2);
    t.match(r.stderr, /could not bind 2377\/tcp: in use by another program/);
    t.match(r.stderr, /could not bind 4789\/udp: in use by another program/);
    t.match(r.stderr, /nothing to listen on/);
  });

  await t.test("systeminformation (the fallback without iproute2's JSON) sees this host's interfaces as iproute2 does", async (t) => {
    const signal = new AbortController().signal;
    const si = await systemInterfaces(20_000, signal);
    if (si instanceof Error) throw si;
    const ip = parseAddrShow((await runCommand('ip', ['-j', '-d', 'addr', 'show'], { signal, timeoutMs: 10_000 })).stdout);
    const withV4 = ip.filter((l) => l.addresses.some((a) => a.includes('.'))).map((l) => l.name);
    t.same(
      si
        .map((i) => i.iface)
        .filter((n) => withV4.includes(n))
        .sort(),
      [...withV4].sort(),
      'the same interfaces with IPv4 addresses',
    );
    t.same(await systemInterfaces(1, signal), new Error('systeminformation took longer than 1 ms'), 'its timeout');
  });

  t.comment(`responder: ${responderLog.trim().split('\n').length} lines; whole file ${String(Date.now() - began)} ms`);
}
