// Names of everything a lab run creates, and the synchronous teardown that removes them (also for leftovers of
// runs that died). Every resource carries the run's name: `<prefix><5 random chars>`.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSync, sleepSync } from './proc.js';

/** Where each run keeps its owner file, daemon sockets, pidfiles and logs (daemon data lives in a tmpfs of its own). */
export const STATE_ROOT = '/var/lib/swarmlint-lab';
export const DEFAULT_PREFIX = 'swl';
const PREFIX_RE = /^[a-z][a-z0-9]{0,5}$/;
const ID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';
const COMMENT_PREFIX = 'swarmlint-lab:';

export interface RunNames {
  readonly runName: string;
  /** Host folder of the run: owner.json, and per node its socket, pidfile and log. */
  readonly dir: string;
  readonly bridge: string;
  /** Comment on the host's FORWARD rule, so a later run can find and delete it. */
  readonly comment: string;
  netns(index: number): string;
  hostVeth(index: number): string;
  nodeVeth(index: number): string;
  nodeDir(index: number): string;
}

export function checkPrefix(prefix: string): void {
  if (!PREFIX_RE.test(prefix)) {
    throw new Error(`lab prefix ${JSON.stringify(prefix)} must be 1-6 lower-case letters or digits, starting with a letter`);
  }
}

export function newRunName(prefix = DEFAULT_PREFIX): string {
  checkPrefix(prefix);
  const id = [...randomBytes(5)].map((byte) => ID_CHARS[byte % ID_CHARS.length] ?? 'x').join('');
  return `${prefix}${id}`;
}

export function namesFor(runName: string): RunNames {
  // Interface names are limited to 15 characters: prefix (≤6) + id (5) + "h" + node number (≤2) fits.
  return {
    runName,
    dir: join(STATE_ROOT, runName),
    bridge: `${runName}b`,
    comment: `${COMMENT_PREFIX}${runName}`,
    netns: (index) => `${runName}-n${index}`,
    hostVeth: (index) => `${runName}h${index}`,
    nodeVeth: (index) => `${runName}c${index}`,
    nodeDir: (index) => join(STATE_ROOT, runName, `n${index}`),
  };
}

/** The kernel's start time of a process (field 22 of /proc/PID/stat), or undefined when it is gone or a zombie. */
export function processStart(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: split after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  return fields[19];
}

export function processAlive(pid: number): boolean {
  return processStart(pid) !== undefined;
}

interface Owner {
  readonly pid: number;
  readonly start: string;
}

/** Marks the run as owned by this process, before anything else of it exists. */
export function claimRun(names: RunNames): void {
  const owner: Owner = { pid: process.pid, start: processStart(process.pid) ?? '' };
  // Another run's teardown may remove an empty STATE_ROOT between mkdir and write: try again then.
  for (let attempt = 1; ; attempt++) {
    try {
      mkdirSync(names.dir, { recursive: true, mode: 0o700 });
      writeFileSync(join(names.dir, 'owner.json'), `${JSON.stringify(owner)}\n`);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw error;
    }
  }
}

/** Whether the process that created a run is still alive (a live owner's run is never torn down by another). */
export function ownerAlive(runName: string): boolean {
  try {
    const owner = JSON.parse(readFileSync(join(namesFor(runName).dir, 'owner.json'), 'utf8')) as Partial<Owner>;
    return typeof owner.pid === 'number' && processStart(owner.pid) === owner.start;
  } catch {
    return false;
  }
}

function netnsNames(): string[] {
  try {
    return readdirSync('/run/netns');
  } catch {
    return [];
  }
}

function linkNames(): string[] {
  const out = runSync('ip', ['-o', 'link', 'show'], { timeoutMs: 10_000 }).stdout;
  return [...out.matchAll(/^\d+: ([^:@\s]+)[@:]/gm)].map((m) => m[1] ?? '');
}

/** The host FORWARD rule that lets the run's bridge forward between its own ports. */
export function forwardRule(names: RunNames): string[] {
  return ['-i', names.bridge, '-o', names.bridge, '-m', 'comment', '--comment', names.comment, '-j', 'ACCEPT'];
}

function forwardRules(): string[] {
  return runSync('iptables', ['-w', '5', '-S', 'FORWARD'], { timeoutMs: 10_000 })
    .stdout.split('\n')
    .filter((line) => line.includes(COMMENT_PREFIX));
}

/** Processes whose command line names the run's folder: the unshare wrapper and dockerd of each node. */
function runProcesses(names: RunNames): number[] {
  const needle = `${names.dir}/`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes(needle) && processAlive(pid)) pids.push(pid);
  }
  return pids;
}

function mountsOf(names: RunNames): string[] {
  const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
  return mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point.includes(`/${names.runName}`));
}

/** What is left of a run on this host: processes, mounts, namespaces, links, firewall rules, folders. */
export function leftovers(runName: string): string[] {
  const names = namesFor(runName);
  const found: string[] = [];
  for (const pid of runProcesses(names)) found.push(`process ${pid}`);
  for (const point of mountsOf(names)) found.push(`mount ${point}`);
  for (const ns of netnsNames()) if (ns.startsWith(`${runName}-`)) found.push(`netns ${ns}`);
  for (const link of linkNames()) if (link.startsWith(runName)) found.push(`link ${link}`);
  for (const rule of forwardRules()) if (rule.includes(names.comment)) found.push(`iptables ${rule}`);
  if (existsSync(names.dir)) found.push(`folder ${names.dir}`);
  return found;
}

/**
 * Removes everything of a run, synchronously and with a deadline on every step: kills its daemons (each dockerd is
 * pid 1 of its own pid namespace, so its containerd, shims and containers die with it, and its private mount
 * namespace with every mount under its roots goes too), deletes namespaces, links and the FORWARD rule, lazily
 * unmounts anything left, and removes the folder. Returns what could not be removed.
 */
export function teardownSync(runName: string, log: (line: string) => void = () => undefined): string[] {
  const names = namesFor(runName);
  const pids = runProcesses(names);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (pids.length) log(`killed ${pids.length} process(es) of ${runName}`);
  const deadline = Date.now() + 15_000;
  while (runProcesses(names).length && Date.now() < deadline) sleepSync(100);
  for (const ns of netnsNames()) {
    if (ns.startsWith(`${runName}-`)) runSync('ip', ['netns', 'delete', ns], { timeoutMs: 10_000 });
  }
  for (const link of linkNames()) {
    if (link.startsWith(runName)) runSync('ip', ['link', 'delete', link], { timeoutMs: 10_000 });
  }
  for (const rule of forwardRules()) {
    if (rule.includes(names.comment)) runSync('iptables', ['-w', '5', '-D', 'FORWARD', ...forwardRule(names)], { timeoutMs: 10_000 });
  }
  for (const point of mountsOf(names).reverse()) runSync('umount', ['-l', point], { timeoutMs: 10_000 });
  rmSync(names.dir, { recursive: true, force: true });
  try {
    rmdirSync(STATE_ROOT); // only when no other run uses it
  } catch {
    // not empty, or gone
  }
  // Links of deleted namespaces vanish asynchronously: give the kernel a moment before judging.
  let left = leftovers(runName);
  while (left.length && Date.now() < deadline + 5_000) {
    sleepSync(200);
    left = leftovers(runName);
  }
  return left;
}

/** Names of runs with this prefix that something on this host still carries: folders, namespaces, links, rules. */
export function knownRuns(prefix: string): Set<string> {
  checkPrefix(prefix);
  const runName = `${prefix}[a-z0-9]{5}`;
  const isRun = new RegExp(`^${runName}$`);
  const nameRe = new RegExp(`^(${runName})(?:b|h\\d+|c\\d+|-n\\d+)$`);
  const commentRe = new RegExp(`${COMMENT_PREFIX}(${runName})\\b`);
  const runs = new Set<string>();
  try {
    for (const entry of readdirSync(STATE_ROOT)) if (isRun.test(entry)) runs.add(entry);
  } catch {
    // no runs yet
  }
  for (const name of [...netnsNames(), ...linkNames()]) {
    const m = nameRe.exec(name);
    if (m?.[1]) runs.add(m[1]);
  }
  for (const rule of forwardRules()) {
    const m = commentRe.exec(rule);
    if (m?.[1]) runs.add(m[1]);
  }
  return runs;
}

/**
 * Tears down every earlier run of this prefix whose owner died (a run of a live process, e.g. a parallel test, is
 * left alone; so are runs of other prefixes).
 */
export function cleanLeftovers(prefix = DEFAULT_PREFIX, log: (line: string) => void = () => undefined): string[] {
  const cleaned: string[] = [];
  for (const runName of knownRuns(prefix)) {
    if (ownerAlive(runName)) continue;
    log(`removing leftovers of lab run ${runName}`);
    const left = teardownSync(runName, log);
    if (left.length) throw new Error(`could not remove leftovers of lab run ${runName}: ${left.join('; ')}`);
    cleaned.push(runName);
  }
  return cleaned;
}
