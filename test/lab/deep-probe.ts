// The deep probe in its image on a real 3-node swarm: the archive of `npm run image:offline` docker-loaded on every
// node, `swarmlint deep-probe` run as a global service (RestartPolicy none) on an overlay, its one JSON line per task
// read from the service's logs. Healthy: every pair answers small and overlay-MTU DF echoes and learns the peer's
// node by the hello; the host kind reaches 2377 on the manager and 7946 everywhere. 4789/udp dropped on node 3:
// every pair touching node 3 is unreachable, 1 <-> 2 stays fine. Underlay MTU 1300 on node 3: small echoes pass
// everywhere, large ones to and from node 3 get no answer (an MTU black hole). The encrypted overlay: what this
// kernel supports (without ESP, as here, no cross-node echo passes; with it, all do).
import t from 'tap';
import { waitFor, type Lab } from '../../lab/index.js';
import { DEEP_IMAGE } from '../../probes/deep/image.js';
import type { DeepProbeResult, PeerResult } from '../../probes/deep/result.js';
import { distFresh, labWithDeepImage, tempDir, whenLabCan } from '../helpers/lab.js';

await whenLabCan(t, main);

/** What one probe run saw: the result of the task on each lab node (1-based), and the task addresses. */
interface Run {
  byNode: Map<number, DeepProbeResult>;
  /** Lab node of an overlay address (from the task list, for peers whose hello failed). */
  nodeOf: (peer: PeerResult) => number | undefined;
  wallMs: number;
}

async function main(): Promise<void> {
  const began = Date.now();
  if (!distFresh(t, 'dist/cli/deep-probe.js', 'cli/deep-probe.ts')) return;
  const { lab } = await labWithDeepImage(t, tempDir(t, 'swarmlint-deep-lab-'));

  await Promise.all([lab.createNetwork('deep-plain'), lab.createNetwork('deep-enc', { encrypted: true })]);
  const nodeIds = new Map(lab.nodes.map((n) => [n.nodeId, n.index]));
  let runs = 0;

  /** Runs the probe as a global service and returns each node's result. */
  const probe = async (kind: 'plain' | 'encrypted' | 'host', deadline: number): Promise<Run> => {
    const started = Date.now();
    const name = `deep${++runs}-${kind}`;
    const network = kind === 'plain' ? 'deep-plain' : 'deep-enc';
    const args = ['--kind', kind, '--service', name, '--expect', '3', '--deadline', String(deadline), '--run', name];
    if (kind === 'host') args.push('--managers', lab.node(1).address, '--nodes', lab.nodes.map((n) => n.address).join(','));
    await lab.createService({
      name,
      mode: 'global',
      image: DEEP_IMAGE,
      restart: 'none',
      ...(kind === 'host' ? { hostNetwork: true } : { networks: [network] }),
      command: ['/usr/local/bin/node', '/app/dist/cli/main.js', 'deep-probe', ...args],
      env: ['SWARMLINT_NODE_ID={{.Node.ID}}', 'SWARMLINT_NODE_HOSTNAME={{.Node.Hostname}}'],
    });
    try {
      const tasks = await waitFor(
        `3 finished tasks of ${name}`,
        async () => {
          const all = await lab.tasks(name);
          const ended = all.filter((task) => ['complete', 'failed', 'rejected', 'shutdown'].includes(task.Status.State));
          if (ended.length >= 3) return { done: true, value: all };
          return {
            done: false,
            seen: all.map((task) => `${task.Status.State}${task.Status.Err ? ` (${task.Status.Err})` : ''}`).join(', '),
          };
        },
        { timeoutMs: (deadline + 60) * 1000, intervalMs: 1000 },
      );
      for (const task of tasks) t.equal(task.Status.State, 'complete', `task on node ${nodeIds.get(task.NodeID ?? '') ?? '?'} exited 0`);
      const byNode = new Map<number, DeepProbeResult>();
      for (const line of await lab.serviceLogs(name)) {
        let result: Partial<DeepProbeResult>;
        try {
          result = JSON.parse(line) as Partial<DeepProbeResult>;
        } catch {
          continue;
        }
        if (result.swarmlint !== 'deep-probe' || !result.node) continue;
        const index = nodeIds.get(result.node.id);
        if (index === undefined) t.fail(`result of an unknown node "${result.node.id}"`);
        else byNode.set(index, result as DeepProbeResult);
      }
      t.same([...byNode.keys()].sort(), [1, 2, 3], `one result per node (${name})`);
      for (const [index, result] of byNode) {
        // The plan prints at 90 % of the deadline (budget, unit-tested in test/probes/deep-probe.ts); wall clock on a
        // shared machine bounds only an overrun, at three times the deadline.
        t.ok(
          result.elapsed_ms < 3 * deadline * 1000,
          `node ${String(index)} ended inside three times its ${String(deadline)} s deadline (${String(result.elapsed_ms)} ms)`,
        );
        t.equal(result.node.hostname, lab.node(index).hostname, `node ${index} knows its hostname from the task's Env`);
      }
      const addresses = new Map<string, number>();
      for (const task of tasks) {
        const index = nodeIds.get(task.NodeID ?? '');
        const address =
          kind === 'host' ? undefined : task.NetworksAttachments?.find((a) => a.Network.Spec.Name === network)?.Addresses?.[0];
        if (index !== undefined && address) addresses.set(address.replace(/\/\d+$/, ''), index);
      }
      return {
        byNode,
        nodeOf: (peer) => (peer.node ? nodeIds.get(peer.node.id) : addresses.get(peer.address)),
        wallMs: Date.now() - started,
      };
    } finally {
      await lab.removeService(name);
    }
  };

  /** A pair's echoes: [small received, large received]. */
  const pair = (run: Run, from: number, to: number): PeerResult => {
    const peer = run.byNode.get(from)?.peers.find((p) => run.nodeOf(p) === to);
    if (!peer) throw new Error(`node ${from} has no result for node ${to}: ${JSON.stringify(run.byNode.get(from))}`);
    return peer;
  };
  const PAIRS = [1, 2, 3].flatMap((from) => [1, 2, 3].filter((to) => to !== from).map((to) => [from, to] as const));

  await t.test('healthy: every pair passes small and overlay-MTU echoes; the host kind reaches 2377 and 7946', async (t) => {
    const [plain, host] = await Promise.all([probe('plain', 40), probe('host', 20)]);
    t.comment(`plain run ${plain.wallMs} ms, host run ${host.wallMs} ms`);
    for (const [index, result] of plain.byNode) {
      t.equal(result.self?.mtu, 1450, `node ${index}: overlay MTU 1450 read from its interface`);
      t.same(result.notes, [], `node ${index}: no notes`);
    }
    for (const [from, to] of PAIRS) {
      const peer = pair(plain, from, to);
      t.equal(peer.node?.id, lab.node(to).nodeId, `${from}->${to}: the hello named node ${to}`);
      t.ok(
        peer.small.received > 0 && peer.large.received > 0,
        `${from}->${to}: small ${peer.small.received}/3, large ${peer.large.received}/3 of ${peer.large.size} bytes`,
      );
      t.equal(peer.large.size, 1450);
      t.notOk(peer.error, `${from}->${to}: no error`);
    }
    for (const [index, result] of host.byNode) {
      const expected = [
        ...(index === 1 ? [] : [`${lab.node(1).address}:2377 open`]),
        ...lab.nodes.filter((n) => n.index !== index).map((n) => `${n.address}:7946 open`),
      ].sort();
      t.same(result.control.map((c) => `${c.to}:${c.port} ${c.verdict}`).sort(), expected, `node ${index}: control plane reachable`);
      t.same(result.peers, []);
    }
  });

  await t.test('4789/udp dropped on node 3: every pair touching node 3 is unreachable, 1 <-> 2 passes', async (t) => {
    await lab.fault('drop-vxlan', 3);
    try {
      const run = await probe('plain', 30);
      t.comment(`run ${run.wallMs} ms`);
      for (const [from, to] of PAIRS) {
        const peer = pair(run, from, to);
        if (from === 3 || to === 3) {
          t.equal(peer.small.received, 0, `${from}->${to}: no answer to small echoes (${peer.error ?? ''})`);
          t.match(peer.error, /no answer to 92-byte echoes/);
          t.equal(peer.node, null, `${from}->${to}: the hello failed too`);
        } else t.ok(peer.small.received > 0 && peer.large.received > 0, `${from}->${to}: passes`);
      }
    } finally {
      await lab.heal();
    }
  });

  await t.test('underlay MTU 1300 on node 3: small echoes pass, large ones to and from node 3 do not', async (t) => {
    await lab.fault('underlay-mtu', 3);
    try {
      const run = await probe('plain', 30);
      t.comment(`run ${run.wallMs} ms`);
      for (const [from, to] of PAIRS) {
        const peer = pair(run, from, to);
        t.ok(peer.small.received > 0, `${from}->${to}: small ${peer.small.received}/3`);
        if (from === 3 || to === 3) {
          t.equal(peer.large.received, 0, `${from}->${to}: no answer to ${peer.large.size}-byte DF echoes (sent ${peer.large.sent})`);
          t.match(peer.error, /no answer to 1450-byte DF echoes while 92-byte ones pass/);
        } else t.ok(peer.large.received > 0, `${from}->${to}: large passes`);
      }
    } finally {
      await lab.heal();
    }
  });

  await t.test('the encrypted overlay does what this kernel supports', async (t) => {
    const esp = await espSupported(lab);
    t.comment(`kernel ESP (rfc4106(gcm(aes)) transport state): ${esp ? 'supported' : 'not supported'}`);
    const run = await probe('encrypted', 30);
    t.comment(`run ${run.wallMs} ms`);
    for (const [index, result] of run.byNode) t.ok(result.self, `node ${index} found its own address on the encrypted overlay`);
    for (const [from, to] of PAIRS) {
      const peer = pair(run, from, to);
      if (esp) t.ok(peer.small.received > 0, `${from}->${to}: passes over ESP`);
      else t.equal(peer.small.received, 0, `${from}->${to}: no answer (no ESP in this kernel: dockerd cannot add the SAs)`);
    }
  });

  t.comment(`whole file: ${Date.now() - began} ms`);
}

/** Whether this kernel accepts an ESP state of the kind dockerd adds (AES-GCM, transport mode); as test/lab/swarm.ts. */
async function espSupported(lab: Lab): Promise<boolean> {
  const key = `0x${'11'.repeat(20)}`;
  const spec = ['src', '198.18.0.250', 'dst', '198.18.0.251', 'proto', 'esp', 'spi', '0x5358'];
  const added = await lab.exec(2, ['ip', 'xfrm', 'state', 'add', ...spec, 'mode', 'transport', 'aead', 'rfc4106(gcm(aes))', key, '128'], {
    timeoutMs: 10_000,
  });
  if (added.ok) await lab.exec(2, ['ip', 'xfrm', 'state', 'delete', ...spec]);
  return added.ok;
}
