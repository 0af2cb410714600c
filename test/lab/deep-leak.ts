// The deep audit's encryption-leak check (CVE-2023-28840) on a real 3-node lab. During one deep run with both
// overlays, docker's INPUT rule that drops plaintext VXLAN of the encrypted overlay's VNI is removed on node 3 (the
// CVE's condition: the rule missing), and node 1 sends node 3's data-path port 50 plaintext VXLAN packets carrying
// that VNI (flags 0x08, as a VXLAN device would; from source port 40999, which an ACCEPT in node 1's mangle OUTPUT
// keeps from docker's mark, else node 1's xfrm policy refuses the send). The host task on node 3 must count them by
// sender and the audit must name node 1 → node 3 with the count. Everything else is this kernel's real result:
// without ESP the encrypted overlay carries nothing, so no node receives any other plaintext of that VNI (0 leaks),
// and every node counted (none untested).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { waitFor, type Lab } from '../../lab/index.js';
import type { Finding } from '../../engine/findings.js';
import type { FactsDocument } from '../../language/facts-format.js';
import { swarmlint } from '../helpers/cli.js';
import { distFresh, labWithDeepImage, tempDir, whenLabCan } from '../helpers/lab.js';

/** `node -e` source: COUNT UDP datagrams to TARGET:PORT, one every 200 ms, each an 8-byte VXLAN header (I flag, VNI) and a 14-byte Ethernet header. */
const SENDER = `
const [target, port, vni, count] = process.argv.slice(1).map((v, i) => (i === 0 ? v : Number(v)));
const socket = require('dgram').createSocket('udp4');
socket.bind(40999);
const packet = Buffer.alloc(8 + 14 + 28);
packet[0] = 0x08;
packet.writeUIntBE(vni, 4, 3);
packet.fill(0xff, 8, 14);
packet.writeUInt16BE(0x0800, 20);
let sent = 0;
let done = 0;
const errors = new Set();
const one = () => socket.send(packet, port, target, (e) => {
  if (e) errors.add(e.message); else sent++;
  if (++done === count) { console.log(JSON.stringify({ sent, errors: [...errors] })); socket.close(); }
});
for (let i = 0; i < count; i++) setTimeout(one, i * 200);
`;

async function main(): Promise<void> {
  if (!distFresh(t, 'dist/cli/main.js', 'probes/audit/deep.ts')) return;
  const dir = tempDir(t, 'swarmlint-deep-leak-');
  const { lab } = await labWithDeepImage(t, dir);
  const idOf = new Map(lab.nodes.map((n) => [n.nodeId, n.index]));
  const env = { DOCKER_HOST: `unix://${lab.node(1).socketPath}`, DOCKER_CONFIG: join(dir, 'no-docker-config') };

  await t.test('plaintext VXLAN of the encrypted VNI from node 1, accepted by node 3 without its drop rule: named, counted', async (t) => {
    const injected = inject(lab);
    const facts = join(dir, 'leak.json');
    const run = await swarmlint(['audit', '--deep', '--deep-deadline', '25', '-f', 'json', '--save-facts', facts], {
      cwd: dir,
      env: { ...env, HOME: dir },
    });
    const { vni, sent, removed } = await injected;
    t.comment(
      `deep audit: exit ${String(run.code)}; docker's drop rule on node 3 removed: ${removed}; node 1 sent ${String(sent)} packets of VNI ${String(vni)}`,
    );
    t.equal(run.code, 1, `exit 1 (findings) ${run.stderr}`);
    const document = JSON.parse(readFileSync(facts, 'utf8')) as FactsDocument;
    const leak = document.mesh?.leak;
    t.comment(`mesh.leak: ${JSON.stringify(leak)}`);
    t.comment(
      `encrypted pairs: ${JSON.stringify((document.mesh?.pairs ?? []).filter((p) => p.network === 'encrypted').map((p) => `${String(idOf.get(p.from))}>${String(idOf.get(p.to))} ${p.verdict}`))}`,
    );
    t.equal(leak?.vni, vni, 'the VNI the orchestrator read is the encrypted network’s');
    t.equal(leak?.port, 4789);
    const byNode = new Map((leak?.nodes ?? []).map((n) => [idOf.get(n.node), n]));
    for (const i of [1, 2, 3]) {
      const n = byNode.get(i);
      t.equal(n?.untested, undefined, `node ${String(i)} counted (${n?.untested ?? 'no reason'})`);
      t.ok((n?.window_ms ?? 0) >= 10_000, `node ${String(i)} listened ${String(n?.window_ms)} ms`);
    }
    const at3 = byNode.get(3)?.from ?? [];
    const from1 = at3.find((f) => idOf.get(f.from) === 1)?.packets ?? 0;
    t.ok(sent >= 40, `node 1 sent ${String(sent)} of 50 plaintext packets`);
    t.ok(from1 > 0 && from1 <= sent, `node 3 counted ${String(from1)} of the ${String(sent)} packets node 1 sent`);
    t.same(
      at3.filter((f) => idOf.get(f.from) !== 1),
      [],
      'node 3 received no other plaintext of the VNI (this kernel: the encrypted overlay carries nothing)',
    );
    t.same(byNode.get(1)?.from, [], 'node 1: 0 leaks (the real result on this kernel)');
    t.same(byNode.get(2)?.from, [], 'node 2: 0 leaks (the real result on this kernel)');
    const findings = (JSON.parse(run.stdout) as { findings: Finding[] }).findings.filter(
      (f) => f.ruleId === 'esp-blocked' && /plaintext VXLAN/.test(f.message),
    );
    t.equal(findings.length, 1, `one leak finding: ${findings.map((f) => f.message).join(' | ')}`);
    const message = findings[0]?.message ?? '';
    t.equal(findings[0]?.severity, 'error');
    t.match(message, `Node \`${lab.node(3).hostname}\` accepted ${String(from1)} plaintext VXLAN packet(s)`);
    t.match(message, `from node \`${lab.node(1).hostname}\``);
    t.match(message, `(VNI ${String(vni)}, UDP 4789)`);
    t.comment(message);
    await waitFor(
      'no deep service left',
      async () => {
        const left = await lab.manager.listServices({ filters: { label: ['io.swarmlint.deep'] } });
        return left.length === 0 ? { done: true, value: true } : { done: false, seen: String(left.length) };
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
  });
}

/**
 * Waits for the run's encrypted network and its VNI, then for docker's INPUT rule on node 3 that drops plaintext
 * VXLAN of that VNI (it comes when node 3's task joins the network), removes it, and sends 50 plaintext packets of
 * the VNI from node 1 to node 3's 4789 over 10 s.
 */
async function inject(lab: Lab): Promise<{ vni: number; sent: number; removed: string }> {
  const vni = await waitFor(
    'the encrypted deep network and its VNI',
    async () => {
      const nets = await lab.manager.listNetworks({ filters: { label: ['io.swarmlint.deep'] } });
      const found = nets.find((n) => n.Name.endsWith('-enc'));
      if (!found) return { done: false, seen: 'no network yet' };
      const info = (await lab.manager.getNetwork(found.Id).inspect()) as { Options?: Record<string, string> };
      const value = Number(info.Options?.['com.docker.network.driver.overlay.vxlanid_list']);
      return Number.isInteger(value) && value > 0 ? { done: true, value } : { done: false, seen: 'no VNI yet' };
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  const vniHex = `0x${(vni << 8).toString(16)}`;
  const removed = await waitFor(
    `docker's drop rule for VNI ${String(vni)} on node 3`,
    async () => {
      const input = await lab.execOk(3, ['iptables', '-w', '5', '-L', 'INPUT', '--line-numbers', '-n'], { timeoutMs: 10_000 });
      const line = input.split('\n').find((l) => /DROP/.test(l) && l.includes('pol none') && l.includes(vniHex));
      if (!line) return { done: false, seen: input };
      await lab.execOk(3, ['iptables', '-w', '5', '-D', 'INPUT', line.trim().split(/\s+/)[0] ?? ''], { timeoutMs: 10_000 });
      return { done: true, value: line.trim() };
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  // Node 1's own guard: docker marks outgoing VXLAN of the encrypted VNI (mangle OUTPUT, u32) for an xfrm policy that
  // demands ESP; without an SA (no ESP in this kernel) the kernel refuses such a send (EREMOTE). Only the sender's
  // packets (source port 40999) skip the mark, by an ACCEPT ahead of docker's rule; the overlay's own stay marked.
  const bypass = ['OUTPUT', '-p', 'udp', '--sport', '40999', '--dport', '4789', '-j', 'ACCEPT'];
  await lab.execOk(1, ['iptables', '-w', '5', '-t', 'mangle', '-I', ...bypass], { timeoutMs: 10_000 });
  // A clean environment: under tap, NODE_OPTIONS would load tap's loaders into the sender.
  const sender = ['env', '-i', `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`, process.execPath, '-e', SENDER, '--'];
  const out = await lab.execOk(1, [...sender, lab.node(3).address, '4789', String(vni), '50'], { timeoutMs: 30_000 });
  await lab.execOk(1, ['iptables', '-w', '5', '-t', 'mangle', '-D', ...bypass], { timeoutMs: 10_000 });
  const said = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { sent?: number; errors?: string[] };
  return { vni, sent: said.sent ?? 0, removed: `node 3 INPUT: ${removed}; sender: ${out.trim()}` };
}

await whenLabCan(t, main);
