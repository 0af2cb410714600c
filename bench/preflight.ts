// bench/preflight: `swarmlint preflight` against three peers whose every UDP port is filtered, end to end. Four
// network namespaces on a bridge of their own (the prober and three peers, 198.18.200.0/24); each peer's INPUT
// drops all UDP (`iptables -A INPUT -p udp -j DROP`), so every UDP probe waits for its timeout, while TCP (nothing
// listens: RST) and ICMP (echo and path MTU with DF) answer. The real CLI (`node dist/cli/main.js preflight`) runs
// in the prober's namespace; the wall time from spawn to exit is measured. Target: 3 s.
//
// A benchmark, not a test: it prints the figures, writes them to bench/results/ and exits 0 unless something could
// not be measured (or, with --check, unless the target is met). Root only (namespaces, iptables).
//
//   npm run bench:preflight -- [--runs N] [--no-build] [--check]
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench/results');
const TARGET_SECONDS = 3;
const PEERS = 3;

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'no-build': { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  },
});
const RUNS = Number(opts.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) die('--runs must be 1 or more');
if (process.getuid?.() !== 0) die('needs root (network namespaces, iptables)');

function die(message: string): never {
  process.stderr.write(`bench/preflight: ${message}\n`);
  process.exit(2);
}
const log = (message: string): void => {
  process.stderr.write(`${message}\n`);
};

/** Runs a command; throws with what it said unless it exits 0. */
function sh(file: string, args: string[]): string {
  const r = spawnSync(file, args, { encoding: 'utf8', timeout: 15_000 });
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')}: ${(r.stderr || r.stdout || String(r.error ?? r.signal)).trim()}`);
  return r.stdout;
}

if (!opts['no-build']) {
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) die(`npm run build failed (exit ${String(r.status ?? r.signal)})`);
}

// --- the network -------------------------------------------------------------------------------------------

const run = `swlb${randomBytes(3).toString('hex')}`;
const bridge = `${run}b`;
const ns = (i: number): string => `${run}-${String(i)}`;
const address = (i: number): string => `198.18.200.${String(10 + i)}`;
const forward = ['FORWARD', '-i', bridge, '-o', bridge, '-m', 'comment', '--comment', `swarmlint-bench:${run}`, '-j', 'ACCEPT'];

function teardown(): void {
  for (let i = 0; i <= PEERS; i++) spawnSync('ip', ['netns', 'del', ns(i)]);
  spawnSync('ip', ['link', 'del', bridge]);
  spawnSync('iptables', ['-w', '5', '-D', ...forward]);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    teardown();
    process.exit(130);
  });
}

function setUp(): void {
  sh('ip', ['link', 'add', bridge, 'type', 'bridge']);
  sh('ip', ['link', 'set', bridge, 'up']);
  // Bridged frames pass the host's FORWARD chain, whose policy is DROP once a dockerd ran on the host.
  sh('iptables', ['-w', '5', '-I', ...forward]);
  for (let i = 0; i <= PEERS; i++) {
    sh('ip', ['netns', 'add', ns(i)]);
    sh('ip', ['link', 'add', `${run}h${String(i)}`, 'type', 'veth', 'peer', 'name', `${run}c${String(i)}`]);
    sh('ip', ['link', 'set', `${run}h${String(i)}`, 'master', bridge, 'up']);
    sh('ip', ['link', 'set', `${run}c${String(i)}`, 'netns', ns(i)]);
    sh('ip', ['-n', ns(i), 'link', 'set', `${run}c${String(i)}`, 'name', 'eth0']);
    sh('ip', ['-n', ns(i), 'address', 'add', `${address(i)}/24`, 'dev', 'eth0']);
    sh('ip', ['-n', ns(i), 'link', 'set', 'eth0', 'up']);
    sh('ip', ['-n', ns(i), 'link', 'set', 'lo', 'up']);
    // Every UDP port of the peers filtered: no answer, no ICMP port unreachable.
    if (i > 0) sh('nsenter', [`--net=/run/netns/${ns(i)}`, '--', 'iptables', '-w', '5', '-A', 'INPUT', '-p', 'udp', '-j', 'DROP']);
  }
}

interface Sample {
  seconds: number;
  code: number | null;
  udpStates: string[];
  pathMtus: (number | undefined)[];
}

function preflightOnce(): Promise<Sample> {
  const args = [
    `--net=/run/netns/${ns(0)}`,
    '--',
    process.execPath,
    join(ROOT, 'dist/cli/main.js'),
    'preflight',
    '--manager',
    address(1),
    '--peer',
    address(2),
    '--peer',
    address(3),
    '--docker-host',
    'unix:///nonexistent/docker.sock',
    '--format',
    'json',
    '--save-facts',
    `/tmp/${run}-facts.json`,
  ];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('nsenter', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0 && code !== 1) {
        reject(new Error(`preflight exited ${String(code)}: ${stderr}`));
        return;
      }
      const facts = JSON.parse(sh('cat', [`/tmp/${run}-facts.json`])) as {
        peers: { pathMtu?: number; checks: { protocol: string; port?: number; state: string }[] }[];
      };
      resolve({
        seconds,
        code,
        udpStates: facts.peers.flatMap((p) => p.checks.filter((c) => c.protocol === 'udp').map((c) => `${String(c.port)}:${c.state}`)),
        pathMtus: facts.peers.map((p) => p.pathMtu),
      });
    });
  });
}

const samples: Sample[] = [];
try {
  setUp();
  log(`bench/preflight: ${String(PEERS)} peers (${[1, 2, 3].map(address).join(', ')}), every UDP port filtered; ${String(RUNS)} runs`);
  for (let i = 0; i < RUNS; i++) {
    const s = await preflightOnce();
    samples.push(s);
    log(
      `  run ${String(i + 1)}: ${s.seconds.toFixed(2)} s (exit ${String(s.code)}; UDP ${s.udpStates.join(' ')}; path MTU ${s.pathMtus.join('/')})`,
    );
  }
} finally {
  teardown();
  spawnSync('rm', ['-f', `/tmp/${run}-facts.json`]);
}

const sorted = samples.map((s) => s.seconds).sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
const worst = sorted[sorted.length - 1] ?? NaN;
const proven = samples.every((s) => s.udpStates.length === 2 * PEERS && s.udpStates.every((u) => u.endsWith(':open-or-filtered')));
const result = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, node: process.version, kernel: os.release() },
  peers: PEERS,
  runs: RUNS,
  seconds: { min: sorted[0], median, max: worst },
  targetSeconds: TARGET_SECONDS,
  met: worst <= TARGET_SECONDS,
  everyUdpProbeUnanswered: proven,
};
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, `preflight-${result.date.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  `preflight, ${String(PEERS)} peers with every UDP port filtered: median ${median.toFixed(2)} s, worst ${worst.toFixed(2)} s over ${String(RUNS)} runs (target ${String(TARGET_SECONDS)} s: ${result.met ? 'met' : 'NOT met'})\n`,
);
if (!proven) die('the UDP probes did not all go unanswered: the setup is not what the benchmark claims');
if (opts.check && !result.met) process.exit(1);
