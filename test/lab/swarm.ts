// The lab's smoke test: one real 3-node swarm (1 manager, 2 workers), each fault injected, observed and healed in
// turn, then the lab torn down and the host checked for leftovers. Proves every fault is real before a rule relies on it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { decide, prerequisites, runOk, up, waitFor, type Lab, type PingResult, type TaskInfo } from '../../lab/index.js';
import { recordEngineApi, REDACTED } from '../../scripts/record-engine-api.js';

const decision = decide(prerequisites());
if (!decision.run) {
  if ('fail' in decision) t.fail(decision.fail);
  else t.plan(0, decision.skip);
} else {
  await main();
}

async function main(): Promise<void> {
  const began = Date.now();
  const lab = await up({
    nodes: 3,
    managers: 1,
    log: (line) => {
      t.comment(line);
    },
  });
  t.teardown(() => lab.down());

  const NET = 'lab-net';
  await lab.createNetwork(NET, { attachable: true });
  await Promise.all([
    // One idle task per node, a second one on node 3 (same-node peer), and a web server on node 1 whose published
    // port attaches it to the ingress network.
    lab.createService({ name: 'probe', mode: 'global', networks: [NET] }),
    lab.createService({ name: 'peer', node: 3, networks: [NET] }),
    lab.createService({
      name: 'web',
      node: 1,
      networks: [NET],
      command: ['httpd', '-f', '-p', '80'],
      env: ['LAB_SECRET=never-recorded'],
      publish: [{ target: 80, published: 8080 }],
    }),
  ]);
  const probes = await lab.waitTasks('probe', 3);
  const [peer] = await lab.waitTasks('peer', 1);
  const [web] = await lab.waitTasks('web', 1);
  if (!peer || !web) throw new Error('peer or web task missing');
  t.comment(`services running ${Date.now() - began} ms after start`);
  const probe = (node: number): TaskInfo => {
    const task = probes.find((p) => lab.nodeOfTask(p).index === node);
    if (!task) throw new Error(`no probe task on node ${node}`);
    return task;
  };
  const addr = (task: TaskInfo, network = NET): string => lab.taskAddress(task, network);

  /** Reachable: retried until a deadline (fresh overlay peers may need a moment). */
  const reaches = async (from: TaskInfo, to: string, timeoutMs = 20_000): Promise<boolean> => {
    try {
      return await waitFor(
        `ping ${to}`,
        async () => ((await lab.ping(from, to)) ? { done: true, value: true } : { done: false, seen: 'no reply' }),
        { timeoutMs, intervalMs: 200 },
      );
    } catch {
      return false;
    }
  };
  /** Unreachable: three echoes, two seconds each, none answered. */
  const silent = async (from: TaskInfo, to: string): Promise<boolean> => !(await lab.ping(from, to, { count: 3 }));

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

  await t.test('healthy: a task on node 3 reaches tasks on nodes 1 and 2 over the overlay', async (t) => {
    t.equal(lab.nodeOfTask(probe(3)).index, 3);
    t.ok(await reaches(probe(3), addr(probe(1))), 'node 3 -> node 1');
    t.ok(await reaches(probe(3), addr(probe(2))), 'node 3 -> node 2');
    t.ok(await reaches(probe(3), addr(peer)), 'node 3 -> node 3 (same node)');
    const df = await lab.dfPing(probe(3), addr(probe(1)), 1400);
    t.same(df, { sent: 3, received: 3, errors: [] }, '1400-byte DF pings over the overlay: all answered');
  });

  await faultCase('drop-vxlan (4789/udp) on node 3: cross-node traffic fails, same-node passes', async (t) => {
    await lab.fault('drop-vxlan', 3);
    t.ok(await silent(probe(3), addr(probe(1))), 'node 3 -> node 1 gets no reply');
    t.ok(await silent(probe(3), addr(probe(2))), 'node 3 -> node 2 gets no reply');
    t.ok(await reaches(probe(3), addr(peer), 5_000), 'node 3 -> node 3 still answers');
    t.ok(await reaches(probe(1), addr(probe(2)), 5_000), 'node 1 -> node 2 still answers');
    await lab.heal();
    t.ok(await reaches(probe(3), addr(probe(1))), 'healed: node 3 -> node 1 answers again');
  });

  await faultCase('underlay-mtu 1300 on node 3: 1400-byte DF pings over the overlay vanish, small ones pass', async (t) => {
    await lab.fault('underlay-mtu', 3, { mtu: 1300 });
    // Towards node 3: the 1450-byte VXLAN frame is too big for node 3's eth0 and is dropped without a word.
    const big = await lab.dfPing(probe(1), addr(probe(3)), 1400);
    const small = await lab.dfPing(probe(1), addr(probe(3)), 200);
    t.equal(big.sent, 3, 'node 1 -> node 3: the 1400-byte DF echoes left the task (they fit its 1450 overlay MTU)');
    t.equal(big.received, 0, `node 1 -> node 3: none answered (${JSON.stringify(big)})`);
    t.same(small, { sent: 3, received: 3, errors: [] }, 'node 1 -> node 3: 200-byte DF echoes all answered');
    // From node 3 itself: no answer either (its VXLAN device may also report the smaller path MTU to the task).
    const back = await lab.dfPing(probe(3), addr(probe(1)), 1400);
    t.equal(back.received, 0, `node 3 -> node 1: no 1400-byte DF echo answered (${JSON.stringify(back)})`);
    t.notOk(await lab.ping(probe(3), addr(probe(1)), { size: 1372, count: 3 }), 'busybox ping of a 1400-byte packet: no reply');
    t.ok(await reaches(probe(3), addr(probe(1)), 5_000), 'busybox ping of default size: replies');
    // Underlay level, from node 1's namespace to node 3's address: the frame is too big for node 3's eth0.
    const underlay = (size: number): Promise<PingResult> => lab.nodeDfPing(1, lab.node(3).address, size);
    const u1400 = await underlay(1400);
    const u1300 = await underlay(1300);
    t.equal(u1400.received, 0, `underlay: 1400-byte DF echo to node 3 unanswered (${JSON.stringify(u1400)})`);
    t.same(u1300, { sent: 3, received: 3, errors: [] }, 'underlay: 1300-byte DF echoes to node 3 all answered');
    await lab.heal();
    for (const [from, to] of [
      [1, 3],
      [3, 1],
    ] as const) {
      const healed = await lab.dfPing(probe(from), addr(probe(to)), 1400);
      t.same(healed, { sent: 3, received: 3, errors: [] }, `healed: node ${from} -> node ${to} 1400-byte DF echoes all answered`);
    }
  });

  await faultCase(
    'ingress-address on node 1: an address of the ingress subnet on the host is unreachable from ingress tasks',
    async (t) => {
      const fault = await lab.fault('ingress-address', 1);
      const address = fault.address ?? '';
      t.match(addr(web, 'ingress'), /^\d+\.\d+\.\d+\.\d+$/, `the web task has an ingress address (${addr(web, 'ingress')})`);
      t.ok(await reaches(probe(1), address, 10_000), `a task without ingress reaches the host's ${address}`);
      t.ok(await silent(web, address), `the ingress-attached task does not: ${address} is routed into the ingress overlay`);
      await lab.heal();
    },
  );

  await faultCase('overlapping-overlay: an overlay on the underlay subnet cuts its tasks off the nodes', async (t) => {
    const fault = await lab.fault('overlapping-overlay', 3);
    const [task] = await lab.waitTasks(fault.service ?? '', 1);
    if (!task) throw new Error('no overlap task');
    t.match(
      addr(task, fault.network),
      /^198\.18\.0\./,
      `the task's overlay address ${addr(task, fault.network)} is in the underlay subnet`,
    );
    const nodeAddress = lab.node(1).address;
    t.ok(await reaches(probe(3), nodeAddress, 10_000), `a task on ${NET} reaches node 1's underlay address ${nodeAddress}`);
    t.ok(await silent(task, nodeAddress), `a task on the overlapping overlay does not`);
    await lab.heal();
  });

  await faultCase('encrypted-overlay and drop-esp (IP protocol 50) on node 3', async (t) => {
    const fault = await lab.fault('encrypted-overlay', 3);
    const secure = await lab.waitTasks(fault.service ?? '', 3);
    const on = (n: number): TaskInfo => {
      const task = secure.find((s) => lab.nodeOfTask(s).index === n);
      if (!task) throw new Error(`no secure task on node ${n}`);
      return task;
    };
    const network = await lab.network(fault.network ?? '');
    t.ok(network.Options && 'encrypted' in network.Options, 'the network carries the encrypted option');
    const policies = await lab.execOk(3, ['ip', 'xfrm', 'policy'], { timeoutMs: 10_000 });
    t.match(policies, /proto esp/, 'dockerd installed IPsec (ESP) policies in node 3');
    const esp = await espSupported(lab);
    t.comment(`kernel can hold ESP states: ${esp}`);
    if (esp) {
      t.ok(await reaches(on(3), addr(on(1), fault.network)), 'encrypted overlay: node 3 -> node 1 answers');
    } else {
      // This kernel lacks CONFIG_INET_ESP / CONFIG_CRYPTO_GCM: dockerd cannot add its SAs, and the policies it did
      // add make the encrypted overlay drop everything (FAILURE-MODES #7).
      t.match(lab.daemonLog(3), /Failed Adding [rf]SA/, 'dockerd logged that it could not add the ESP states');
      t.ok(await silent(on(3), addr(on(1), fault.network)), 'encrypted overlay: node 3 -> node 1 gets no reply');
      t.ok(await reaches(probe(3), addr(probe(1)), 5_000), `plain overlay ${NET}: node 3 -> node 1 answers`);
    }
    // ESP itself: protocol-50 packets from node 1 counted by a raw socket on node 3.
    const before = await lab.espProbe(1, 3);
    t.same(before, { sent: 5, received: 5 }, "healthy: node 3 receives all of node 1's ESP packets");
    await lab.fault('drop-esp', 3);
    const dropped = await lab.espProbe(1, 3);
    t.equal(dropped.sent, 5, 'node 1 sent ESP packets');
    t.equal(dropped.received, 0, `drop-esp: node 3 receives none (${JSON.stringify(dropped)})`);
    const other = await lab.espProbe(1, 2);
    t.same(other, { sent: 5, received: 5 }, 'node 2 still receives them all');
    if (esp) t.ok(await silent(on(3), addr(on(1), fault.network)), 'encrypted overlay: node 3 -> node 1 gets no reply');
    await lab.heal();
    const after = await lab.espProbe(1, 3);
    t.same(after, { sent: 5, received: 5 }, 'healed: node 3 receives them all again');
  });

  await faultCase('task-density: 10 tasks on node 2 cross a lowered threshold of 8', async (t) => {
    const threshold = 8;
    const fault = await lab.fault('task-density', 2, { tasks: 10 });
    await lab.waitTasks(fault.service ?? '', 10);
    const running = (await lab.tasks()).filter((task) => task.Status.State === 'running');
    const perNode = [1, 2, 3].map((n) => running.filter((task) => lab.nodeOfTask(task).index === n).length);
    t.comment(`running tasks per node: ${perNode.join(', ')}`);
    t.ok((perNode[1] ?? 0) > threshold, `node 2 runs ${perNode[1]} tasks, over ${threshold}`);
    t.ok((perNode[0] ?? 0) <= threshold && (perNode[2] ?? 0) <= threshold, 'nodes 1 and 3 stay under it');
    // The kernel agrees: every task on an overlay has a port on the node's docker_gwbridge.
    const ports = async (n: number): Promise<number> =>
      (await lab.execOk(n, ['ip', '-o', 'link', 'show', 'master', 'docker_gwbridge'], { timeoutMs: 10_000 })).trim().split('\n').length;
    const [p2, p3] = [await ports(2), await ports(3)];
    t.ok(p2 > threshold, `node 2's docker_gwbridge has ${p2} ports`);
    t.ok(p3 <= threshold, `node 3's has ${p3}`);
    await lab.heal();
  });

  await faultCase('drop-gossip (7946/tcp+udp) on node 3: it never learns of new tasks, while the control plane works', async (t) => {
    await lab.fault('drop-gossip', 3);
    await lab.createService({ name: 'late', node: 1, networks: [NET] });
    const [late] = await lab.waitTasks('late', 1);
    if (!late) throw new Error('no late task');
    t.pass('a new task was scheduled and started while gossip was cut (control plane intact)');
    t.ok(await reaches(probe(2), addr(late)), 'node 2 reaches the new task on node 1');
    t.ok(await silent(probe(3), addr(late)), 'node 3 does not: it never learned where the new task lives');
    await lab.heal();
    await lab.removeService('late');
  });

  await faultCase('drop-control (2377/tcp) on node 3: the manager marks it down, its data plane still works', async (t) => {
    await lab.fault('drop-control', 3);
    const started = Date.now();
    await lab.waitNodeState(3, 'down', 90_000);
    t.pass(`the manager marked node 3 down after ${Date.now() - started} ms`);
    t.ok(await reaches(probe(3), addr(probe(1)), 5_000), 'existing overlay traffic node 3 -> node 1 still flows');
    await lab.heal();
    await lab.waitNodeState(3, 'ready', 90_000);
    t.pass('healed: node 3 is ready again');
  });

  await t.test('Engine API recording removes secrets', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'swarmlint-record-'));
    try {
      const files = await recordEngineApi(lab, dir);
      const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
      t.equal(files.length, 9, 'seven manager answers and two worker /info answers');
      t.notMatch(text, /SWMTKN-/, 'no join token');
      t.notMatch(text, /-----BEGIN/, 'no certificate or key');
      t.notMatch(text, /never-recorded/, 'no service environment value');
      t.match(text, `LAB_SECRET=${REDACTED}`, 'environment names kept');
      t.match(text, /"Worker": "<redacted>"/, 'join tokens replaced');
      const services = JSON.parse(readFileSync(join(dir, 'services.json'), 'utf8')) as { Spec: { Name: string } }[];
      t.same(services.map((s) => s.Spec.Name).sort(), ['peer', 'probe', 'web'], 'the real services');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  await t.test('down leaves nothing behind', async (t) => {
    const runName = lab.runName;
    await lab.down();
    t.same(lab.leftovers(), [], `no process, mount, netns, link, FORWARD rule or folder of ${runName}`);
    const ns = await runOk('ip', ['netns', 'list']);
    t.notMatch(ns, runName, 'ip netns list names none of the run');
    t.comment(`whole lab run: ${Date.now() - began} ms`);
  });
}

/** Whether this kernel accepts an ESP state of the kind dockerd adds (AES-GCM, transport mode). */
async function espSupported(lab: Lab): Promise<boolean> {
  const key = `0x${'11'.repeat(20)}`;
  const spec = ['src', '198.18.0.250', 'dst', '198.18.0.251', 'proto', 'esp', 'spi', '0x5357'];
  const added = await lab.exec(3, ['ip', 'xfrm', 'state', 'add', ...spec, 'mode', 'transport', 'aead', 'rfc4106(gcm(aes))', key, '128'], {
    timeoutMs: 10_000,
  });
  if (added.ok)
    await lab.exec(3, ['ip', 'xfrm', 'state', 'delete', 'src', '198.18.0.250', 'dst', '198.18.0.251', 'proto', 'esp', 'spi', '0x5357']);
  return added.ok;
}
