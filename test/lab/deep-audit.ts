// `swarmlint audit --deep` on a real 3-node swarm (1 manager, 2 workers) with the real probe image (the archive of
// `npm run image:offline`, docker-loaded on every node): the built CLI in a child process, DOCKER_HOST at the
// manager's socket through a proxy that logs every request line. Healthy: every pair ✓, no error, and the requests
// are the GETs and the labelled creates and removes --help lists. The encrypted overlay: what this kernel really
// does (without ESP, as here: esp-blocked, once), and on the wire (counted by VNI on node 2: no plaintext VXLAN of
// the encrypted network, no ESP either; docker's drop rule for such plaintext is in place). 4789/udp dropped on node 3: overlay-reachability names node 3,
// exit 1. 7946 dropped on node 3, and new connections from node 3 to the manager's 2377 dropped (node 3 stays
// ready): swarm-port-reachable names node 3. --deep-sample 1 with a seed: the seed's three pairs, each ✓. Underlay MTU 1300 on node 3: path-mtu with the sizes. Node 3 drained: probe-skipped with the reason.
// SIGINT in the middle: exit 130 and nothing left; SIGKILL in the middle: the next run removes the leftovers first.
// After every run nothing labelled io.swarmlint.deep remains on any node (services, networks, containers).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { Ajv } from 'ajv';
import { waitFor, type Lab } from '../../lab/index.js';
import { sampleMap } from '../../probes/deep/sample.js';
import type { Finding } from '../../engine/findings.js';
import type { FactsDocument } from '../../language/facts-format.js';
import { ROOT } from '../helpers/cli.js';
import { distFresh, labWithDeepImage, recordingProxy, tempDir, whenLabCan } from '../helpers/lab.js';

const DIST = join(ROOT, 'dist/cli/main.js');
const validate = new Ajv({ allErrors: true, strict: false }).compile(
  JSON.parse(readFileSync(join(ROOT, 'schemas/facts.schema.json'), 'utf8')) as object,
);

await whenLabCan(t, main);

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The built CLI (no tap loaders: it is the user's process), optionally signalled once `when` resolves. */
function cli(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  kill?: { when: () => Promise<void>; signal: NodeJS.Signals },
): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DIST, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
    if (kill)
      kill.when().then(
        () => child.kill(kill.signal),
        (error: unknown) => {
          child.kill('SIGKILL');
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
  });
}

/** What of the deep audit is on the nodes: services and networks (manager), containers and networks (each node). */
async function deepObjects(lab: Lab): Promise<string[]> {
  const label = { label: ['io.swarmlint.deep'] };
  const manager = lab.node(1).docker;
  const found: string[] = [];
  for (const s of await manager.listServices({ filters: label })) found.push(`service ${String(s.Spec?.Name)}`);
  for (const n of lab.nodes) {
    for (const c of await n.docker.listContainers({ all: true, filters: label }))
      found.push(`node ${n.index}: container ${c.Names.join(',')}`);
    for (const net of await n.docker.listNetworks({ filters: label })) found.push(`node ${n.index}: network ${net.Name}`);
  }
  return found;
}

/** Waits until nothing of the deep audit is left (workers remove a removed service's containers on their own). */
async function nothingLeft(t: Test, lab: Lab): Promise<void> {
  const started = Date.now();
  await waitFor(
    'nothing labelled io.swarmlint.deep on any node',
    async () => {
      const left = await deepObjects(lab);
      return left.length === 0 ? { done: true, value: true } : { done: false, seen: left.join('; ') };
    },
    { timeoutMs: 60_000, intervalMs: 1000 },
  );
  t.pass(`nothing labelled io.swarmlint.deep left on any node (${String(Date.now() - started)} ms after the run)`);
}

async function main(): Promise<void> {
  const began = Date.now();
  if (!distFresh(t, 'dist/cli/main.js', 'probes/audit/deep.ts')) return;
  const dir = tempDir(t, 'swarmlint-deep-audit-');
  const { lab } = await labWithDeepImage(t, dir);
  const proxy = await recordingProxy(t, join(dir, 'manager.sock'), lab.node(1).socketPath);
  const hostname = (n: number): string => lab.node(n).hostname;
  const idOf = new Map(lab.nodes.map((n) => [n.nodeId, n.index]));

  const env = { DOCKER_HOST: `unix://${proxy.path}`, DOCKER_CONFIG: join(dir, 'no-docker-config') };
  let runs = 0;
  const deep = async (
    extra: string[] = [],
    kill?: { when: () => Promise<void>; signal: NodeJS.Signals },
  ): Promise<{ run: Run; facts?: FactsDocument; findings: Finding[]; requests: string[] }> => {
    const facts = join(dir, `deep-${String(++runs)}.json`);
    const before = proxy.requests.length;
    const run = await cli(['audit', '--deep', '--deep-deadline', '30', '-f', 'json', '--save-facts', facts, ...extra], env, dir, kill);
    t.comment(`deep audit ${String(runs)} ${extra.join(' ')}: exit ${String(run.code ?? run.signal)} after ${String(run.ms)} ms`);
    const requests = proxy.requests.slice(before).map((l) => l.replace(/ HTTP\/1\.[01]$/, ''));
    if (run.code !== 0 && run.code !== 1) return { run, findings: [], requests };
    return {
      run,
      facts: JSON.parse(readFileSync(facts, 'utf8')) as FactsDocument,
      findings: (JSON.parse(run.stdout) as { findings: Finding[] }).findings,
      requests,
    };
  };
  const pairsOf = (facts: FactsDocument | undefined, network: 'plain' | 'encrypted'): Map<string, string> =>
    new Map(
      (facts?.mesh?.pairs ?? [])
        .filter((p) => p.network === network)
        .map((p) => [`${String(idOf.get(p.from))}>${String(idOf.get(p.to))}`, p.verdict]),
    );
  const ALL = ['1>2', '1>3', '2>1', '2>3', '3>1', '3>2'];
  const serious = (findings: Finding[]): string[] => findings.filter((f) => f.severity === 'error').map((f) => `${f.ruleId}: ${f.message}`);

  await t.test('healthy, plain overlay only: every pair ✓, no error, exit 0; the requests are those --help lists', async (t) => {
    const { run, facts, findings, requests } = await deep(['--deep-no-encrypted']);
    t.equal(run.code, 0, run.stderr);
    t.same(serious(findings), [], 'no error');
    t.ok(validate(facts), `the saved facts (with the mesh) are valid: ${JSON.stringify(validate.errors)}`);
    const plain = pairsOf(facts, 'plain');
    t.same(
      ALL.map((k) => [k, plain.get(k)]),
      ALL.map((k) => [k, 'ok']),
      'every ordered pair answered small and overlay-MTU echoes',
    );
    t.ok(
      facts?.mesh?.pairs.every((p) => p.large && p.large.size >= 1400 && p.large.received > 0),
      'large echoes at the overlay MTU answered',
    );
    t.same(
      facts?.mesh?.nodes.map((n) => [n.hostname, n.ran]).sort(),
      [1, 2, 3].map((n) => [hostname(n), true]),
      'every node ran',
    );
    const control = facts?.mesh?.control ?? [];
    t.ok(
      control.some((c) => c.port === 2377) && control.every((c) => c.verdict === 'open'),
      `control ports open: ${JSON.stringify(control)}`,
    );
    const writes = requests.filter((r) => !r.startsWith('GET '));
    const shapes = [...new Set(writes.map((r) => r.replace(/\/(services|networks)\/[a-z0-9]{20,}$/, '/$1/ID')))].sort();
    t.same(
      shapes,
      ['DELETE /networks/ID', 'DELETE /services/ID', 'POST /networks/create', 'POST /services/create'],
      `writes: ${writes.join(', ')}`,
    );
    t.equal(writes.filter((r) => r === 'POST /networks/create').length, 1, 'one network (no encrypted one)');
    t.equal(writes.filter((r) => r === 'POST /services/create').length, 2, 'two services (plain, host)');
    await nothingLeft(t, lab);
  });

  await t.test('--deep-sample 1: each node tests one peer, the seed chooses which, the others are not sampled', async (t) => {
    const { run, facts } = await deep(['--deep-no-encrypted', '--deep-sample', '1', '--deep-seed', 'lab7']);
    t.equal(run.code, 0, run.stderr);
    t.same(facts?.mesh?.sample, { peers: 1, seed: 'lab7' }, 'the facts keep the sample and its seed');
    const chosen = sampleMap(
      'lab7',
      lab.nodes.map((n) => n.nodeId),
      1,
    );
    const expected = [...chosen].flatMap(([from, to]) => [...to].map((b) => `${String(idOf.get(from))}>${String(idOf.get(b))}`)).sort();
    const plain = pairsOf(facts, 'plain');
    t.same(
      [...plain.entries()].sort(),
      expected.map((k) => [k, 'ok']),
      `3 pairs of 6, the seed's (${expected.join(' ')}), each ✓`,
    );
    const gossip = (facts?.mesh?.control ?? [])
      .filter((c) => c.port === 7946)
      .map((c) => `${String(idOf.get(c.from))}>${String(idOf.get(c.to))}`);
    t.same(gossip.sort(), expected, 'the host tasks connect to 7946 of their sampled peer only');
    await nothingLeft(t, lab);
  });

  await t.test('the encrypted overlay: what this kernel really does', async (t) => {
    const esp = await espSupported(lab);
    t.comment(`this kernel ${esp ? 'supports' : 'lacks'} IPsec ESP (ip xfrm state add with rfc4106(gcm(aes)))`);
    const { run, facts, findings } = await deep();
    const plain = pairsOf(facts, 'plain');
    const secure = pairsOf(facts, 'encrypted');
    // Should a plain pair not pass, say why (the pair's reason and what each node's tasks noted).
    if (ALL.some((k) => plain.get(k) !== 'ok'))
      for (const line of [
        ...(facts?.mesh?.pairs ?? [])
          .filter((p) => p.network === 'plain' && p.verdict !== 'ok')
          .map((p) => `${p.from} > ${p.to}: ${p.verdict} ${p.reason ?? ''}`),
        ...(facts?.mesh?.nodes ?? []).flatMap((n) => (n.notes ?? []).map((note) => `${n.hostname}: ${note}`)),
      ])
        t.comment(line);
    t.same(
      ALL.map((k) => plain.get(k)),
      ALL.map(() => 'ok'),
      'plain overlay: every pair ✓',
    );
    if (esp) {
      t.equal(run.code, 0, run.stderr);
      t.same(
        ALL.map((k) => secure.get(k)),
        ALL.map(() => 'ok'),
        'encrypted overlay: every pair ✓',
      );
    } else {
      t.equal(run.code, 1, 'exit 1: the encrypted overlay carries nothing');
      // Every pair is unreachable, except that a node whose DNS never listed a peer on this overlay before the
      // peers had gone (seen in this lab: up to 50 s late on the encrypted overlay) reports that pair untested, with
      // that reason, never as passed.
      const pairs = (facts?.mesh?.pairs ?? []).filter((p) => p.network === 'encrypted');
      t.same(
        ALL.filter((k) => secure.get(k) !== 'unreachable' && secure.get(k) !== 'untested'),
        [],
        `encrypted overlay: no cross-node echo passes (${JSON.stringify(ALL.map((k) => secure.get(k)))})`,
      );
      const untested = pairs.filter((p) => p.verdict === 'untested');
      t.same(
        untested.filter((p) => !/task did not find .*'s before its deadline$/.test(p.reason ?? '')),
        [],
        `an untested pair is one whose task never saw the peer in DNS (${JSON.stringify(untested.map((p) => p.reason))})`,
      );
      t.ok(pairs.filter((p) => p.verdict === 'unreachable').length >= 2, 'the pairs that were tried are unreachable');
      const espFindings = findings.filter((f) => f.ruleId === 'esp-blocked');
      t.equal(espFindings.length, 1, 'one esp-blocked finding, not one per pair');
      t.match(espFindings[0]?.message ?? '', /carries nothing between any two nodes.*lack IPsec ESP support/);
      t.same(
        findings.filter((f) => f.severity === 'error' && f.ruleId !== 'esp-blocked').map((f) => f.ruleId),
        [],
        'nothing else',
      );
    }
    await nothingLeft(t, lab);
  });

  // The encryption leak of the issue (CVE-2023-28840: plaintext VXLAN of an encrypted overlay accepted by a node), as
  // this kernel really does it. While a deep run with both overlays goes, node 2 counts the VXLAN packets node 1
  // sends it, by VNI (the network's `vxlanid_list`), with counting rules (no target) in the raw table's PREROUTING:
  // what arrives on the wire, before any filter. The plain VNI proves the count works; any packet with the
  // encrypted VNI is plaintext that should have been ESP. Docker's own rule that drops such packets in INPUT (u32 on
  // the VNI, `--pol none`) is read too. What is found is stated; nothing in the product checks this yet.
  await t.test('the encrypted overlay on the wire: VXLAN packets by VNI from node 1 to node 2', async (t) => {
    const esp = await espSupported(lab);
    const manager = lab.node(1).docker;
    const vniOf = async (suffix: string): Promise<number> => {
      const nets = await manager.listNetworks({ filters: { label: ['io.swarmlint.deep'] } });
      const found = nets.find((n) => n.Name.endsWith(suffix));
      if (!found) throw new Error(`no network *${suffix} yet`);
      const info = (await manager.getNetwork(found.Id).inspect()) as { Options?: Record<string, string> };
      const vni = Number(info.Options?.['com.docker.network.driver.overlay.vxlanid_list']);
      if (!Number.isInteger(vni) || vni <= 0) throw new Error(`no VNI on ${found.Name}`);
      return vni;
    };
    const rule = (vni: number): string[] => [
      'PREROUTING',
      '-s',
      lab.node(1).address,
      '-p',
      'udp',
      '--dport',
      '4789',
      // IP header length, then 8 bytes of UDP and 4 of VXLAN flags: the VNI is the next 3 bytes.
      '-m',
      'u32',
      '--u32',
      `0>>22&0x3C@12>>8=${String(vni)}`,
      '-m',
      'comment',
      '--comment',
      `swarmlint-lab-vni-${String(vni)}`,
    ];
    const counted: number[] = [];
    const ESP_RULE = ['PREROUTING', '-s', lab.node(1).address, '-p', 'esp', '-m', 'comment', '--comment', 'swarmlint-lab-esp'];
    const espCounted = { done: false };
    const watch = async (): Promise<void> => {
      const vnis = await waitFor(
        'both deep networks and their VNIs',
        async () => {
          try {
            return { done: true, value: [await vniOf('-plain'), await vniOf('-enc')] };
          } catch (error) {
            return { done: false, seen: (error as Error).message };
          }
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      await lab.execOk(2, ['iptables', '-w', '5', '-t', 'raw', '-I', ...ESP_RULE], { timeoutMs: 10_000 });
      espCounted.done = true;
      for (const vni of vnis) {
        await lab.execOk(2, ['iptables', '-w', '5', '-t', 'raw', '-I', ...rule(vni)], { timeoutMs: 10_000 });
        counted.push(vni);
      }
    };
    const watching = watch();
    let table = '';

    try {
      const { facts } = await deep();
      await watching;
      table = await lab.execOk(2, ['iptables', '-w', '5', '-t', 'raw', '-L', 'PREROUTING', '-v', '-x', '-n'], { timeoutMs: 10_000 });
      const input = await lab.execOk(2, ['iptables', '-w', '5', '-L', 'INPUT', '-v', '-x', '-n'], { timeoutMs: 10_000 });
      const packets = (comment: string): number => {
        const line = table.split('\n').find((l) => l.includes(`/* ${comment} */`));
        return Number(line?.trim().split(/\s+/)[0] ?? Number.NaN);
      };
      const [plainVni, encVni] = counted as [number, number];
      const plain = packets(`swarmlint-lab-vni-${String(plainVni)}`);
      const encrypted = packets(`swarmlint-lab-vni-${String(encVni)}`);
      const espPackets = packets('swarmlint-lab-esp');
      const secure = pairsOf(facts, 'encrypted');
      t.comment(
        `kernel ${esp ? 'with' : 'without'} ESP; 1 → 2 VXLAN packets: plain VNI ${String(plainVni)}: ${String(plain)}, encrypted VNI ${String(encVni)}: ${String(encrypted)}; ESP: ${String(espPackets)}; encrypted 1>2 ${String(secure.get('1>2'))}`,
      );
      t.comment(`node 2 INPUT:\n${input}`);
      const vniHex = `0x${(encVni << 8).toString(16)}`;
      t.ok(
        input.split('\n').some((l) => /DROP/.test(l) && l.includes('pol none') && l.includes(vniHex)),
        `docker's INPUT rule drops unencrypted VXLAN of the encrypted VNI (${vniHex}) on node 2`,
      );
      t.ok(plain > 0, `the count works: ${String(plain)} plaintext VXLAN packets of the plain overlay from node 1`);
      if (esp) t.equal(encrypted, 0, 'with ESP: no plaintext VXLAN with the encrypted VNI on the wire');
      else {
        t.equal(encrypted, 0, 'without ESP: no plaintext VXLAN with the encrypted VNI on the wire (no leak)');
        t.equal(espPackets, 0, 'and no ESP either: the encrypted overlay carries nothing, so its pairs are unreachable');
      }
    } finally {
      await watching.catch(() => undefined);
      for (const vni of counted) await lab.execOk(2, ['iptables', '-w', '5', '-t', 'raw', '-D', ...rule(vni)], { timeoutMs: 10_000 });
      if (espCounted.done) await lab.execOk(2, ['iptables', '-w', '5', '-t', 'raw', '-D', ...ESP_RULE], { timeoutMs: 10_000 });
    }
    await nothingLeft(t, lab);
  });

  await t.test('4789/udp dropped on node 3: overlay-reachability names node 3, exit 1', async (t) => {
    const fault = await lab.fault('drop-vxlan', 3);
    try {
      const { run, facts, findings } = await deep(['--deep-no-encrypted']);
      t.equal(run.code, 1, run.stderr);
      const plain = pairsOf(facts, 'plain');
      t.same(
        ALL.map((k) => [k, plain.get(k)]),
        ALL.map((k) => [k, k.includes('3') ? 'unreachable' : 'ok']),
        'pairs with node 3 unreachable, 1 ↔ 2 ✓',
      );
      const reach = findings.filter((f) => f.ruleId === 'overlay-reachability');
      t.equal(reach.length, 1, 'node 3 named once');
      t.match(reach[0]?.message ?? '', new RegExp(`Node \`${hostname(3)}\` cannot exchange overlay traffic.*4789/udp`));
      t.notOk(
        reach.some((f) => f.message.includes(hostname(1)) && f.message.includes(hostname(2)) && !f.message.includes(hostname(3))),
        'no finding about 1 ↔ 2',
      );
    } finally {
      await fault.undo();
    }
    await nothingLeft(t, lab);
  });

  await t.test('7946 dropped on node 3: the findings name node 3, pairs among the others stay ✓', async (t) => {
    const fault = await lab.fault('drop-gossip', 3);
    try {
      const { run, facts, findings } = await deep(['--deep-no-encrypted']);
      t.equal(run.code, 1, run.stderr);
      const plain = pairsOf(facts, 'plain');
      t.same(
        ['1>2', '2>1'].map((k) => [k, plain.get(k)]),
        [
          ['1>2', 'ok'],
          ['2>1', 'ok'],
        ],
        '1 ↔ 2 ✓',
      );
      const gossip = findings.filter((f) => f.ruleId === 'swarm-port-reachable');
      t.ok(gossip.length > 0, 'the host tasks found 7946 filtered');
      t.ok(
        gossip.every((f) => f.message.includes(hostname(3)) && f.message.includes('7946/tcp')),
        'every 7946 finding is about node 3',
      );
      t.same(
        serious(findings).filter((m) => !m.includes(hostname(3))),
        [],
        'no error that leaves node 3 out',
      );
    } finally {
      await fault.undo();
    }
    await nothingLeft(t, lab);
  });

  // 2377 dropped from node 3 to the manager. Dropping every 2377 packet (as drop-control does) also cuts node 3's
  // running session with the manager, which then marks node 3 down after its heartbeat period (≈15 s on the lab):
  // whether the run still starts a task there depends on when it looks. So only the packets that open a connection
  // are dropped, at the manager's INPUT for node 3's source (`-s 198.18.0.103 -p tcp --dport 2377 --syn -j DROP`):
  // node 3 keeps its session (it stays ready, its tasks start and report), while the host task's fresh connect to
  // 2377 gets no answer, as behind a firewall that blocks new connections to the manager from that host.
  await t.test('2377 dropped from node 3 to the manager (new connections only): a control-plane finding naming node 3', async (t) => {
    const manager = lab.node(1).docker;
    const stateOf3 = async (): Promise<string> =>
      String(((await manager.getNode(lab.node(3).nodeId).inspect()) as { Status?: { State?: string } }).Status?.State);
    const fault = await lab.fault('drop-control', 1, { from: 3, newOnly: true });
    t.comment(`fault: ${fault.description}`);
    try {
      const { run, facts, findings } = await deep(['--deep-no-encrypted']);
      t.equal(run.code, 1, run.stderr);
      t.equal(await stateOf3(), 'ready', 'node 3 is still ready after the run (its session with the manager stayed up)');
      const control = (facts?.mesh?.control ?? []).map((c) => [idOf.get(c.from), idOf.get(c.to), c.port, c.verdict]);
      t.same(
        control.filter((c) => c[3] !== 'open'),
        [[3, 1, 2377, 'filtered']],
        `only node 3 → the manager's 2377 fails: ${JSON.stringify(control)}`,
      );
      t.ok(
        control.some((c) => c[0] === 2 && c[2] === 2377 && c[3] === 'open') &&
          control.some((c) => c[0] === 3 && c[2] === 7946 && c[3] === 'open'),
        "node 2 reaches the manager's 2377, node 3 reaches 7946",
      );
      const plain = pairsOf(facts, 'plain');
      t.same(
        ALL.map((k) => [k, plain.get(k)]),
        ALL.map((k) => [k, 'ok']),
        'the overlay is fine: every pair ✓',
      );
      const reach = findings.filter((f) => f.ruleId === 'swarm-port-reachable');
      t.equal(reach.length, 1, `one swarm-port-reachable finding: ${reach.map((f) => f.message).join(' | ')}`);
      t.match(
        reach[0]?.message ?? '',
        new RegExp(
          `^From node \`${hostname(3)}\`, port 2377/tcp of manager \`${hostname(1)}\` did not answer the connection \\(filtered\\) \\(no answer within \\d+ ms\\)`,
        ),
        'it names node 3, the manager and 2377/tcp, with the evidence',
      );
      t.match(reach[0]?.message ?? '', /2377\/tcp.*control plane/);
      t.same(
        serious(findings).filter((m) => !m.includes(hostname(3))),
        [],
        'no error that leaves node 3 out',
      );
    } finally {
      await fault.undo();
    }
    await nothingLeft(t, lab);
  });

  await t.test('underlay MTU 1300 on node 3: path-mtu with the sizes, small echoes ✓', async (t) => {
    const fault = await lab.fault('underlay-mtu', 3);
    try {
      const { run, facts, findings } = await deep(['--deep-no-encrypted']);
      t.equal(run.code, 1, run.stderr);
      const plain = pairsOf(facts, 'plain');
      t.same(
        ALL.map((k) => [k, plain.get(k)]),
        ALL.map((k) => [k, k.includes('3') ? 'mtu-blackhole' : 'ok']),
        'pairs with node 3 are MTU black holes, 1 ↔ 2 ✓',
      );
      t.ok(
        facts?.mesh?.pairs.every((p) => p.small && p.small.received > 0),
        'small echoes answered everywhere',
      );
      const mtu = findings.filter((f) => f.ruleId === 'path-mtu');
      t.equal(mtu.length, 1, 'node 3 named once');
      t.match(
        mtu[0]?.message ?? '',
        new RegExp(`(\\d{4})-byte packets with DF set get no answer between node \`${hostname(3)}\`.*92-byte ones do`),
      );
      t.same(
        findings.filter((f) => f.ruleId === 'overlay-reachability'),
        [],
        'not reported as unreachable',
      );
    } finally {
      await fault.undo();
    }
    await nothingLeft(t, lab);
  });

  await t.test('node 3 drained: probe-skipped with the reason, the others tested', async (t) => {
    const node3 = lab.node(1).docker.getNode(lab.node(3).nodeId);
    const setAvailability = async (availability: 'drain' | 'active'): Promise<void> => {
      const info = (await node3.inspect()) as { Version: { Index: number }; Spec: Record<string, unknown> };
      await node3.update({ version: info.Version.Index, ...info.Spec, Availability: availability });
    };
    await setAvailability('drain');
    try {
      const { run, facts, findings } = await deep(['--deep-no-encrypted']);
      t.equal(run.code, 0, `a skipped node is a warning: ${run.stderr}`);
      const skipped = findings.filter((f) => f.ruleId === 'probe-skipped');
      t.same(
        skipped.map((f) => [f.severity, f.message]),
        [
          [
            'warning',
            `Node \`${hostname(3)}\` was not tested by the deep audit: drained (availability drain): swarm starts no tasks on it. Its pairs with the other nodes are not checked.`,
          ],
        ],
      );
      const plain = pairsOf(facts, 'plain');
      t.same([...plain.entries()].sort(), [
        ['1>2', 'ok'],
        ['2>1', 'ok'],
      ]);
    } finally {
      await setAvailability('active');
    }
    await nothingLeft(t, lab);
  });

  const servicesUp = async (): Promise<void> => {
    await waitFor(
      'the deep audit services exist',
      async () => {
        const services = await lab.node(1).docker.listServices({ filters: { label: ['io.swarmlint.deep'] } });
        return services.length >= 2 ? { done: true, value: true } : { done: false, seen: `${String(services.length)} services` };
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  };

  await t.test('SIGINT in the middle of a run: exit 130, everything removed', async (t) => {
    const { run } = await deep(['--deep-no-encrypted'], { when: servicesUp, signal: 'SIGINT' });
    t.equal(run.code, 130, run.stderr);
    t.match(run.stderr, /SIGINT: removing what the deep audit made/);
    await nothingLeft(t, lab);
  });

  await t.test('SIGKILL in the middle of a run: the next run removes what it left first', async (t) => {
    const { run } = await deep(['--deep-no-encrypted'], { when: servicesUp, signal: 'SIGKILL' });
    t.equal(run.signal, 'SIGKILL');
    const left = await deepObjects(lab);
    t.ok(
      left.some((l) => l.startsWith('service ')),
      `the killed run left its services: ${left.join('; ')}`,
    );
    const killed = (await lab.node(1).docker.listServices({ filters: { label: ['io.swarmlint.deep'] } })).map((s) => s.ID);
    const next = await deep(['--deep-no-encrypted']);
    t.equal(next.run.code, 0, next.run.stderr);
    const firstCreate = next.requests.findIndex((r) => r.startsWith('POST '));
    t.same(
      killed.filter((id) => !next.requests.slice(0, firstCreate).includes(`DELETE /services/${id}`)),
      [],
      `the next run removed the killed run's services before creating anything: ${next.requests.filter((r) => r.startsWith('DELETE ')).join(', ')}`,
    );
    await nothingLeft(t, lab);
  });

  t.comment(`whole file ${String(Date.now() - began)} ms`);
}

async function espSupported(lab: Lab): Promise<boolean> {
  const spec = ['src', '198.18.0.250', 'dst', '198.18.0.251', 'proto', 'esp', 'spi', '0x5358'];
  const key = '0x0102030405060708090a0b0c0d0e0f1011121314';
  const added = await lab.exec(2, ['ip', 'xfrm', 'state', 'add', ...spec, 'mode', 'transport', 'aead', 'rfc4106(gcm(aes))', key, '128'], {
    timeoutMs: 10_000,
  });
  if (added.ok) await lab.exec(2, ['ip', 'xfrm', 'state', 'delete', ...spec]);
  return added.ok;
}
