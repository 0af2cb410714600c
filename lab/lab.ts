// A real multi-node Docker swarm on this host: one dockerd per network namespace, all on one bridge.
//
// Each node is a network namespace with a veth (eth0, 198.18.0.10N/24) on the run's bridge. Its dockerd runs under
// `unshare --uts --pid --mount-proc --fork`: its own hostname, its own pid namespace (dockerd is pid 1 there, so
// killing it kills its containerd, shims and containers) and its own mount namespace with a tmpfs on /run that holds
// its data root, exec root and everything containerd writes (so no mount and no data of a node outlives it).
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import type { ActiveFault, FaultKind, FaultOptions } from './faults.js';
import { applyFault } from './faults.js';
import { buildBusyboxTar, IMAGE, IMAGE_REPO, IMAGE_TAG } from './image.js';
import { run, runOk, type RunOptions, type RunResult } from './proc.js';
import { parseJsonLine, rawCommand, type PingResult } from './raw.js';
import {
  claimRun,
  cleanLeftovers,
  DEFAULT_PREFIX,
  forwardRule,
  leftovers,
  namesFor,
  newRunName,
  processAlive,
  teardownSync,
  type RunNames,
} from './resources.js';
import type { NetworkInfo, NodeInfo, ServiceInfo, TaskInfo } from './types.js';
import { StopWaiting, waitFor, withTimeout } from './wait.js';

export const UNDERLAY_SUBNET = '198.18.0.0/24';
/** Local (bridge) pools of every dockerd: docker_gwbridge and friends come from here. */
export const LOCAL_POOL = '198.18.64.0/18';
const API_TIMEOUT_MS = 60_000;

export interface UpOptions {
  /** Number of nodes (1-9). */
  readonly nodes: number;
  /** How many of them (the first ones) are managers; at least 1. */
  readonly managers: number;
  /**
   * How many of them (the last ones) run dockerd but stay out of the swarm, like a host about to join: preflight
   * runs there, and {@link Lab.join} joins them later. Default 0.
   */
  readonly standby?: number;
  /** Resource name prefix (1-6 lower-case letters/digits), default "swl"; a random run id follows it. */
  readonly prefix?: string;
  /** How long `down()` lets each dockerd stop before killing it (default 10 s). */
  readonly stopTimeoutMs?: number;
  /** Progress lines (e.g. `t.comment`). */
  readonly log?: (line: string) => void;
}

export interface LabNode {
  /** 1-based. */
  readonly index: number;
  readonly hostname: string;
  readonly netns: string;
  readonly netnsPath: string;
  /** Underlay address on eth0. */
  readonly address: string;
  readonly socketPath: string;
  readonly docker: Docker;
  /** A manager of the swarm (false for workers and for standby nodes that have not joined). */
  manager: boolean;
  /** Swarm node ID, known once the node is in the swarm ('' while it stands by). */
  nodeId: string;
  /** Host pid of the unshare wrapper and of dockerd (pid 1 of the node's pid namespace). */
  readonly wrapperPid: number;
  readonly dockerdPid: number;
  readonly logPath: string;
}

export interface ExecResult extends RunResult {
  readonly ok: boolean;
}

export interface NetworkOptions {
  readonly subnet?: string;
  readonly encrypted?: boolean;
  readonly attachable?: boolean;
  readonly mtu?: number;
  readonly labels?: Record<string, string>;
}

export interface ServiceOptions {
  readonly name: string;
  readonly networks?: readonly string[];
  /** "global", or a replica count (default 1). */
  readonly mode?: 'global' | number;
  /** Pin every task to this node. */
  readonly node?: number;
  readonly command?: readonly string[];
  readonly env?: readonly string[];
  readonly publish?: readonly { readonly target: number; readonly published: number; readonly mode?: 'ingress' | 'host' }[];
  readonly labels?: Record<string, string>;
  /** Lift swarm's default limit on replicas per node (none) — used by the density fault to pack one node. */
  readonly maxReplicasPerNode?: number;
  /** Another image than the lab's busybox (one loaded with {@link Lab.loadImage}). */
  readonly image?: string;
  /** `none`: a task that exits is not restarted (what `audit --deep` uses); default on-failure, 3 attempts. */
  readonly restart?: 'none' | 'on-failure';
  /** Run the tasks on the host network (`networks` must then be empty). */
  readonly hostNetwork?: boolean;
  /** The task's hostname (swarm templates such as `{{.Node.Hostname}}` work here). */
  readonly hostname?: string;
}

const liveLabs = new Set<Lab>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const lab of liveLabs) lab.teardownNow();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      for (const lab of liveLabs) lab.teardownNow();
      process.exit(signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 129);
    });
  }
}

/** The default command of lab tasks: idle, and gone at once when stopped. */
export const IDLE = ['sleep', '1000000'];

export class Lab {
  readonly nodes: LabNode[] = [];
  readonly image = IMAGE;
  readonly #faults: ActiveFault[] = [];
  #down = false;

  constructor(
    readonly names: RunNames,
    readonly log: (line: string) => void,
    readonly stopTimeoutMs: number,
  ) {}

  get runName(): string {
    return this.names.runName;
  }

  /** Node by 1-based index. */
  node(index: number): LabNode {
    const node = this.nodes[index - 1];
    if (!node) throw new Error(`lab has no node ${index}`);
    return node;
  }

  /** The first manager: where cluster-wide API calls go. */
  get manager(): Docker {
    return this.node(1).docker;
  }

  /** Runs a command inside a node's network namespace (host binaries, the node's interfaces and firewall). */
  async exec(node: number, cmd: readonly string[], options: RunOptions = {}): Promise<ExecResult> {
    const result = await run('nsenter', [`--net=${this.node(node).netnsPath}`, '--', ...cmd], options);
    return { ...result, ok: result.code === 0 };
  }

  /**
   * Like {@link exec}, with the node's hostname as well (its dockerd's UTS namespace): what a program run on that
   * host sees of it.
   */
  async nodeExec(node: number, cmd: readonly string[], options: RunOptions = {}): Promise<ExecResult> {
    const n = this.node(node);
    const result = await run('nsenter', ['--target', String(n.dockerdPid), '--uts', `--net=${n.netnsPath}`, '--', ...cmd], options);
    return { ...result, ok: result.code === 0 };
  }

  /** Like {@link exec}, but rejects unless the command exits 0. */
  async execOk(node: number, cmd: readonly string[], options: RunOptions = {}): Promise<string> {
    return runOk('nsenter', [`--net=${this.node(node).netnsPath}`, '--', ...cmd], options);
  }

  // ---- faults -------------------------------------------------------------------------------------------------

  /** Injects a fault; {@link heal} undoes every active fault, newest first. */
  async fault(kind: FaultKind, node: number, options: FaultOptions = {}): Promise<ActiveFault> {
    const active = await applyFault(this, kind, node, options);
    this.#faults.push(active);
    this.log(`fault ${kind} on node ${node}: ${active.description}`);
    return active;
  }

  get activeFaults(): readonly ActiveFault[] {
    return this.#faults;
  }

  async heal(): Promise<void> {
    const errors: string[] = [];
    for (let active = this.#faults.pop(); active; active = this.#faults.pop()) {
      try {
        await active.undo();
        this.log(`healed ${active.kind} on node ${active.node}`);
      } catch (error) {
        errors.push(`${active.kind}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (errors.length) throw new Error(`heal failed: ${errors.join('; ')}`);
  }

  // ---- swarm objects ------------------------------------------------------------------------------------------

  async createNetwork(name: string, options: NetworkOptions = {}): Promise<NetworkInfo> {
    const driverOptions: Record<string, string> = {};
    if (options.encrypted) driverOptions.encrypted = '';
    if (options.mtu !== undefined) driverOptions['com.docker.network.driver.mtu'] = String(options.mtu);
    const created = await this.manager.createNetwork({
      Name: name,
      Driver: 'overlay',
      CheckDuplicate: true,
      Attachable: options.attachable ?? false,
      Options: driverOptions,
      Labels: { 'swarmlint.lab': this.runName, ...options.labels },
      ...(options.subnet ? { IPAM: { Driver: 'default', Config: [{ Subnet: options.subnet }] } } : {}),
    });
    return (await created.inspect()) as NetworkInfo;
  }

  async network(name: string): Promise<NetworkInfo> {
    return (await this.manager.getNetwork(name).inspect()) as NetworkInfo;
  }

  async removeNetwork(name: string, timeoutMs = 60_000): Promise<void> {
    await waitFor(
      `network ${name} to be removed`,
      async () => {
        try {
          await this.manager.getNetwork(name).remove();
        } catch (error) {
          if ((error as { statusCode?: number }).statusCode !== 404) throw error;
        }
        return { done: true, value: undefined };
      },
      { timeoutMs, intervalMs: 200 },
    );
  }

  async createService(options: ServiceOptions): Promise<ServiceInfo> {
    const constraints: string[] = [];
    if (options.node !== undefined) constraints.push(`node.hostname==${this.node(options.node).hostname}`);
    const mode = options.mode ?? 1;
    const spec: Docker.CreateServiceOptions = {
      Name: options.name,
      Labels: { 'swarmlint.lab': this.runName, ...options.labels },
      TaskTemplate: {
        ContainerSpec: {
          Image: options.image ?? this.image,
          Command: [...(options.command ?? IDLE)],
          Env: [...(options.env ?? [])],
          ...(options.hostname !== undefined ? { Hostname: options.hostname } : {}),
          // busybox sleep as pid 1 ignores SIGTERM: stop tasks at once so removals do not wait 10 s each.
          StopSignal: 'SIGKILL',
          StopGracePeriod: 1_000_000_000,
        },
        Placement: {
          Constraints: constraints,
          ...(options.maxReplicasPerNode !== undefined ? { MaxReplicas: options.maxReplicasPerNode } : {}),
        },
        RestartPolicy: options.restart === 'none' ? { Condition: 'none' } : { Condition: 'on-failure', MaxAttempts: 3 },
        Networks: (options.hostNetwork ? ['host'] : (options.networks ?? [])).map((target) => ({ Target: target })),
      },
      Mode: mode === 'global' ? { Global: {} } : { Replicated: { Replicas: mode } },
      ...(options.publish
        ? {
            EndpointSpec: {
              Ports: options.publish.map((p) => ({
                Protocol: 'tcp',
                TargetPort: p.target,
                PublishedPort: p.published,
                PublishMode: p.mode ?? 'ingress',
              })),
            },
          }
        : {}),
    };
    const service = await this.manager.createService(spec);
    return (await service.inspect()) as ServiceInfo;
  }

  /**
   * `docker load` of an image archive (`npm run image:offline -- -o FILE.tar`) into every node's dockerd, in
   * parallel; resolves once every node lists `tag` when one is given.
   */
  async loadImage(tarPath: string, tag?: string, timeoutMs = 180_000): Promise<void> {
    await Promise.all(
      this.nodes.map(async (node) => {
        const stream = await node.docker.loadImage(tarPath, { quiet: true });
        await withTimeout(
          `docker load on node ${node.index}`,
          new Promise<void>((resolve, reject) => {
            node.docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[] | undefined) => {
              const failed = output?.find((o) => o.error);
              if (error) reject(error);
              else if (failed) reject(new Error(`docker load on node ${node.index}: ${failed.error ?? ''}`));
              else resolve();
            });
          }),
          timeoutMs,
        );
        if (tag) await node.docker.getImage(tag).inspect();
      }),
    );
    this.log(`loaded ${tarPath}${tag ? ` (${tag})` : ''} on ${this.nodes.length} node(s)`);
  }

  /** The stdout of a service's tasks, through the manager (`/services/{id}/logs`), line by line. */
  async serviceLogs(name: string): Promise<string[]> {
    const raw = (await this.manager.getService(name).logs({ stdout: true, stderr: false, follow: false })) as unknown;
    const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw));
    // Multiplexed frames (no TTY): 1 byte stream, 3 zero bytes, 4 bytes length, then the payload.
    let out = '';
    let offset = 0;
    while (offset + 8 <= bytes.length) {
      const length = bytes.readUInt32BE(offset + 4);
      if (bytes[offset] === 1) out += bytes.toString('utf8', offset + 8, offset + 8 + length);
      offset += 8 + length;
    }
    return out.split('\n').filter((line) => line.trim() !== '');
  }

  async removeService(name: string, timeoutMs = 60_000): Promise<void> {
    try {
      await this.manager.getService(name).remove();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
    // Tasks leave their networks only once their containers are gone on every node.
    await waitFor(
      `containers of service ${name} to be gone`,
      async () => {
        const counts = await Promise.all(
          this.nodes.map(
            async (n) =>
              (await n.docker.listContainers({ all: true, filters: { label: [`com.docker.swarm.service.name=${name}`] } })).length,
          ),
        );
        const total = counts.reduce((a, b) => a + b, 0);
        return total === 0 ? { done: true, value: undefined } : { done: false, seen: `${total} container(s) left` };
      },
      { timeoutMs, intervalMs: 200 },
    );
  }

  async tasks(service?: string): Promise<TaskInfo[]> {
    const filters: Record<string, string[]> = {};
    if (service) filters.service = [service];
    return (await this.manager.listTasks({ filters })) as TaskInfo[];
  }

  /** Waits until `count` tasks of a service run (desired and actual state "running") and returns them. */
  async waitTasks(service: string, count: number, timeoutMs = 90_000): Promise<TaskInfo[]> {
    return waitFor(
      `${count} running task(s) of ${service}`,
      async () => {
        const tasks = await this.tasks(service);
        const running = tasks.filter((t) => t.DesiredState === 'running' && t.Status.State === 'running');
        if (running.length >= count) return { done: true, value: running };
        const states = tasks.map((t) => `${t.Status.State}${t.Status.Err ? ` (${t.Status.Err})` : ''}`);
        return { done: false, seen: states.join(', ') || 'no tasks' };
      },
      { timeoutMs, intervalMs: 200 },
    );
  }

  async swarmNodes(): Promise<NodeInfo[]> {
    return (await this.manager.listNodes()) as NodeInfo[];
  }

  /** Waits until the swarm sees `node` in `state` ("ready" or "down"). */
  async waitNodeState(node: number, state: 'ready' | 'down', timeoutMs = 60_000): Promise<void> {
    const id = this.node(node).nodeId;
    await waitFor(
      `node ${node} to be ${state}`,
      async () => {
        const found = (await this.swarmNodes()).find((n) => n.ID === id);
        return found?.Status.State === state ? { done: true, value: undefined } : { done: false, seen: found?.Status.State ?? 'absent' };
      },
      { timeoutMs, intervalMs: 200 },
    );
  }

  /** The lab node a task runs on. */
  nodeOfTask(task: TaskInfo): LabNode {
    const node = this.nodes.find((n) => n.nodeId === task.NodeID);
    if (!node) throw new Error(`task ${task.ID} is on no lab node`);
    return node;
  }

  /** The task's address on a network, without its prefix length. */
  taskAddress(task: TaskInfo, network: string): string {
    const attachment = task.NetworksAttachments?.find((a) => a.Network.Spec.Name === network);
    const address = attachment?.Addresses?.[0];
    if (!address) throw new Error(`task ${task.ID} has no address on ${network}`);
    return address.replace(/\/\d+$/, '');
  }

  /** Runs a command in a task's container (Engine API exec on the task's node). */
  async taskExec(task: TaskInfo, cmd: readonly string[], timeoutMs = 20_000): Promise<ExecResult> {
    const containerId = task.Status.ContainerStatus?.ContainerID;
    if (!containerId) throw new Error(`task ${task.ID} has no container`);
    return this.containerExec(this.nodeOfTask(task).index, containerId, cmd, timeoutMs);
  }

  /** Runs a command in a container of a node (Engine API exec through that node's socket). */
  async containerExec(node: number, containerId: string, cmd: readonly string[], timeoutMs = 20_000): Promise<ExecResult> {
    const container = this.node(node).docker.getContainer(containerId);
    const exec = await container.exec({ Cmd: [...cmd], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    this.manager.modem.demuxStream(stream, stdout, stderr);
    try {
      await withTimeout(
        `exec ${cmd.join(' ')}`,
        new Promise<void>((resolve, reject) => {
          stream.on('end', resolve);
          stream.on('close', resolve);
          stream.on('error', reject);
        }),
        timeoutMs,
      );
    } catch (error) {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      return { code: null, signal: null, stdout: out, stderr: `${err}${String(error)}`, timedOut: true, ok: false };
    }
    const info = (await exec.inspect()) as { ExitCode: number | null };
    return { code: info.ExitCode, signal: null, stdout: out, stderr: err, timedOut: false, ok: info.ExitCode === 0 };
  }

  /**
   * busybox ping from inside a task's container; true when at least one reply came back. The echoes leave 0.2 s
   * apart and ping waits 2 s after the last for a reply (3 unanswered echoes: 2.4 s, where busybox's default
   * 1 s interval took 4 s).
   */
  async ping(task: TaskInfo, address: string, options: { size?: number; count?: number } = {}): Promise<boolean> {
    const count = options.count ?? 2;
    const args = [
      'ping',
      '-c',
      String(count),
      '-i',
      '0.2',
      '-W',
      '2',
      ...(options.size !== undefined ? ['-s', String(options.size)] : []),
      address,
    ];
    const result = await this.taskExec(task, args, 5_000 + count * 3_000);
    return result.ok && /[1-9]\d* packets received/.test(result.stdout);
  }

  /** Runs a host command inside a task's network namespace (the container's view of the overlay, host binaries). */
  async inTaskNetns(task: TaskInfo, cmd: readonly string[], options: RunOptions = {}): Promise<ExecResult> {
    const containerId = task.Status.ContainerStatus?.ContainerID;
    if (!containerId) throw new Error(`task ${task.ID} has no container`);
    return this.inContainerNetns(this.nodeOfTask(task).index, containerId, cmd, options);
  }

  /** Runs a host command inside the network namespace of a container of a node. */
  async inContainerNetns(node: number, containerId: string, cmd: readonly string[], options: RunOptions = {}): Promise<ExecResult> {
    const { dockerdPid, docker } = this.node(node);
    const inspected = (await docker.getContainer(containerId).inspect()) as { State: { Pid: number } };
    // The container's pid is one of the node's pid namespace: enter that namespace (and its /proc) first.
    const result = await run(
      'nsenter',
      ['--target', String(dockerdPid), '--mount', '--pid', '--', 'nsenter', '--target', String(inspected.State.Pid), '--net', '--', ...cmd],
      options,
    );
    return { ...result, ok: result.code === 0 };
  }

  /** An ICMP echo of `size` bytes of IP packet with DF set, from inside a task's network namespace. */
  async dfPing(task: TaskInfo, address: string, size: number, count = 3): Promise<PingResult> {
    const result = await this.inTaskNetns(task, rawCommand(['ping', address, String(size), String(count), '2000']), { timeoutMs: 20_000 });
    if (!result.ok) throw new Error(`DF ping helper failed: ${result.stderr.trim()}`);
    return parseJsonLine(result.stdout) as PingResult;
  }

  /** An ICMP echo of `size` bytes with DF set from a node's own namespace (underlay level). */
  async nodeDfPing(node: number, address: string, size: number, count = 3): Promise<PingResult> {
    const result = await this.exec(node, rawCommand(['ping', address, String(size), String(count), '2000']), { timeoutMs: 20_000 });
    if (!result.ok) throw new Error(`DF ping helper failed: ${result.stderr.trim()}`);
    return parseJsonLine(result.stdout) as PingResult;
  }

  /** Sends IP protocol 50 packets from node `from` to node `to` and counts how many a raw socket on `to` receives. */
  async espProbe(from: number, to: number, count = 5): Promise<{ sent: number; received: number }> {
    let listening: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (listening = resolve));
    const receiving = this.exec(to, rawCommand(['esp-recv', this.node(from).address, String(2000 + count * 100), String(count)]), {
      timeoutMs: 20_000,
      onStdout: (chunk) => {
        if (chunk.includes('ready')) listening();
      },
    });
    await withTimeout('the ESP receiver to listen', Promise.race([ready, receiving]), 10_000);
    const sending = await this.exec(from, rawCommand(['esp-send', this.node(to).address, String(count)]), { timeoutMs: 15_000 });
    const received = await receiving;
    if (!sending.ok || !received.ok) throw new Error(`ESP probe failed: ${sending.stderr.trim()} ${received.stderr.trim()}`);
    return {
      sent: (parseJsonLine(sending.stdout) as { sent: number }).sent,
      received: (parseJsonLine(received.stdout) as { received: number }).received,
    };
  }

  /** The tail of a node's dockerd log (for diagnostics). */
  daemonLog(node: number): string {
    try {
      return readFileSync(this.node(node).logPath, 'utf8');
    } catch {
      return '';
    }
  }

  // ---- joining and leaving ------------------------------------------------------------------------------------

  /** Joins a node that stands by (or left) to the swarm, as a worker unless `manager`, and waits until it is ready. */
  async join(index: number, options: { manager?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const node = this.node(index);
    const first = this.node(1);
    const tokens = (await first.docker.swarmInspect()) as { JoinTokens: { Worker: string; Manager: string } };
    await node.docker.swarmJoin({
      ListenAddr: `${node.address}:2377`,
      AdvertiseAddr: node.address,
      RemoteAddrs: [`${first.address}:2377`],
      JoinToken: options.manager ? tokens.JoinTokens.Manager : tokens.JoinTokens.Worker,
    });
    const info = (await node.docker.info()) as { Swarm: { NodeID: string } };
    node.nodeId = info.Swarm.NodeID;
    node.manager = options.manager ?? false;
    await this.waitNodeState(index, 'ready', options.timeoutMs ?? 60_000);
  }

  /** Takes a worker out of the swarm again (`docker swarm leave` on it, `docker node rm` on the manager). */
  async leave(index: number): Promise<void> {
    const node = this.node(index);
    if (node.manager) throw new Error(`node ${index} is a manager: the lab only takes workers out`);
    const id = node.nodeId;
    await node.docker.swarmLeave({ force: true });
    node.nodeId = '';
    if (!id) return;
    await waitFor(
      `node ${index} to be removed from the swarm`,
      async () => {
        try {
          await this.manager.getNode(id).remove({ force: true });
        } catch (error) {
          if ((error as { statusCode?: number }).statusCode !== 404) throw error;
        }
        const still = (await this.swarmNodes()).some((n) => n.ID === id);
        return still ? { done: false, seen: 'still listed' } : { done: true, value: undefined };
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  // ---- teardown -----------------------------------------------------------------------------------------------

  /** What of this run is still on the host (empty after `down()`). */
  leftovers(): string[] {
    return leftovers(this.runName);
  }

  /** Stops every dockerd (SIGTERM, then SIGKILL after the deadline) and removes every resource of the run. */
  async down(): Promise<void> {
    if (this.#down) return;
    this.#faults.length = 0; // everything goes with the namespaces
    for (const node of this.nodes) {
      try {
        process.kill(node.dockerdPid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    try {
      await waitFor(
        'dockerd processes to stop',
        () => {
          const alive = this.nodes.filter((n) => processAlive(n.dockerdPid) || processAlive(n.wrapperPid));
          return Promise.resolve(
            alive.length === 0 ? { done: true, value: undefined } : { done: false, seen: `${alive.length} still running` },
          );
        },
        { timeoutMs: this.stopTimeoutMs, intervalMs: 200 },
      );
    } catch {
      this.log(`dockerd did not stop within ${this.stopTimeoutMs} ms: killing`);
    }
    this.teardownNow();
    const left = this.leftovers();
    if (left.length) throw new Error(`lab ${this.runName} left: ${left.join('; ')}`);
  }

  /** Synchronous hard teardown (exit and signal handlers use it). */
  teardownNow(): void {
    if (this.#down) return;
    this.#down = true;
    liveLabs.delete(this);
    const left = teardownSync(this.runName, this.log);
    if (left.length) this.log(`lab ${this.runName} could not remove: ${left.join('; ')}`);
  }
}

async function ip(args: readonly string[]): Promise<void> {
  await runOk('ip', args, { timeoutMs: 10_000 });
}

/** Bridge, host FORWARD rule and, per node, namespace + veth + dockerd. */
async function startNode(lab: Lab, index: number, manager: boolean): Promise<LabNode> {
  const names = lab.names;
  const netns = names.netns(index);
  const address = `198.18.0.${100 + index}`;
  await ip(['netns', 'add', netns]);
  await ip(['link', 'add', names.hostVeth(index), 'type', 'veth', 'peer', 'name', names.nodeVeth(index)]);
  await ip(['link', 'set', names.hostVeth(index), 'master', names.bridge, 'up']);
  await ip(['link', 'set', names.nodeVeth(index), 'netns', netns]);
  await ip(['-n', netns, 'link', 'set', names.nodeVeth(index), 'name', 'eth0']);
  await ip(['-n', netns, 'address', 'add', `${address}/24`, 'dev', 'eth0']);
  await ip(['-n', netns, 'link', 'set', 'eth0', 'up']);
  await ip(['-n', netns, 'link', 'set', 'lo', 'up']);

  const dir = names.nodeDir(index);
  mkdirSync(dir, { recursive: true });
  const hostname = `swl-n${index}`;
  const socketPath = join(dir, 'docker.sock');
  const logPath = join(dir, 'dockerd.log');
  const root = '/run/swarmlint-lab';
  const dockerd = [
    'dockerd',
    `--config-file=${root}/daemon.json`,
    `--data-root=${root}/data`,
    `--exec-root=${root}/exec`,
    `-H`,
    `unix://${socketPath}`,
    `--pidfile=${join(dir, 'dockerd.pid')}`,
    `--bip=198.18.${index}.1/24`,
    `--default-address-pool=base=${LOCAL_POOL},size=24`,
    '--storage-driver=vfs',
    '--shutdown-timeout=2',
  ];
  // Runs as pid 1 of new uts/pid/mount namespaces: the tmpfs on /run is this node's alone and dies with it.
  const script = [
    'set -e',
    `hostname ${hostname}`,
    'mount -t tmpfs -o mode=0755 swarmlint-lab /run',
    `mkdir -p ${root}/data ${root}/exec`,
    // An empty configuration of its own (never the host's /etc/docker/daemon.json), and the engine key in the tmpfs.
    `echo '{"deprecated-key-path": "${root}/key.json"}' > ${root}/daemon.json`,
    `exec ${dockerd.map((a) => `'${a}'`).join(' ')}`,
  ].join('\n');
  const logFd = openSync(logPath, 'a');
  let child;
  try {
    child = spawn(
      'nsenter',
      [
        `--net=/run/netns/${netns}`,
        '--',
        'unshare',
        '--uts',
        '--pid',
        '--mount-proc',
        '--fork',
        '--kill-child',
        '--propagation',
        'private',
        '/bin/sh',
        '-c',
        script,
      ],
      // Tasks of an imported image would otherwise wait 20-40 s in "Preparing" for a pull that cannot succeed.
      { detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: '1' } },
    );
  } finally {
    closeSync(logFd);
  }
  child.unref();
  child.on('error', () => undefined);
  const wrapperPid = child.pid;
  if (wrapperPid === undefined) throw new Error(`could not start dockerd of node ${index}`);
  const dockerdPid = await waitFor(
    `dockerd of node ${index} to start`,
    () => {
      if (!processAlive(wrapperPid)) throw new StopWaiting(`unshare exited: ${tail(logPath)}`);
      let children = '';
      try {
        children = readFileSync(`/proc/${wrapperPid}/task/${wrapperPid}/children`, 'utf8').trim();
      } catch {
        // not yet
      }
      const pid = Number(children.split(' ')[0]);
      return Promise.resolve(pid > 0 ? { done: true, value: pid } : { done: false, seen: 'no child yet' });
    },
    { timeoutMs: 10_000, intervalMs: 50 },
  );
  const docker = new Docker({ socketPath, timeout: API_TIMEOUT_MS });
  await waitFor(
    `dockerd of node ${index} to answer`,
    async () => {
      if (!processAlive(dockerdPid)) throw new StopWaiting(`dockerd of node ${index} exited: ${tail(logPath)}`);
      await docker.ping();
      return { done: true, value: undefined };
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  return {
    index,
    hostname,
    netns,
    netnsPath: `/run/netns/${netns}`,
    address,
    socketPath,
    docker,
    manager,
    nodeId: '',
    wrapperPid,
    dockerdPid,
    logPath,
  };
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '(no log)';
  }
}

async function importImage(node: LabNode, tar: string): Promise<void> {
  const stream = await node.docker.importImage(tar, { repo: IMAGE_REPO, tag: IMAGE_TAG });
  await withTimeout(
    `image import on node ${node.index}`,
    new Promise<void>((resolve, reject) => {
      node.docker.modem.followProgress(stream, (error: Error | null) => {
        if (error) reject(error);
        else resolve();
      });
    }),
    60_000,
  );
}

/** Forms the swarm of the first `members` nodes; the rest stand by, their dockerd out of any swarm. */
async function formSwarm(lab: Lab, managers: number, members: number): Promise<void> {
  const first = lab.node(1);
  await first.docker.swarmInit({ ListenAddr: `${first.address}:2377`, AdvertiseAddr: first.address });
  const inspected = (await first.docker.swarmInspect()) as { JoinTokens: { Worker: string; Manager: string } };
  const join = (node: LabNode, token: string): Promise<unknown> =>
    node.docker.swarmJoin({
      ListenAddr: `${node.address}:2377`,
      AdvertiseAddr: node.address,
      RemoteAddrs: [`${first.address}:2377`],
      JoinToken: token,
    });
  // Managers join one by one (each changes the raft membership); workers together.
  for (const node of lab.nodes.slice(1, managers)) await join(node, inspected.JoinTokens.Manager);
  await Promise.all(lab.nodes.slice(managers, members).map((node) => join(node, inspected.JoinTokens.Worker)));
  const joined = lab.nodes.slice(0, members);
  for (const node of joined) {
    const info = (await node.docker.info()) as { Swarm: { NodeID: string } };
    node.nodeId = info.Swarm.NodeID;
  }
  await waitFor(
    `${members} ready swarm nodes`,
    async () => {
      const nodes = await lab.swarmNodes();
      const ready = nodes.filter((n) => n.Status.State === 'ready').length;
      return ready === members ? { done: true, value: undefined } : { done: false, seen: `${ready} ready` };
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

/**
 * Brings a lab up: cleans leftovers of dead runs, makes the bridge, namespaces and daemons, imports the busybox
 * image on every node and forms the swarm (the first `managers` nodes are managers). On any failure it tears down
 * what it made and rethrows.
 */
export async function up(options: UpOptions): Promise<Lab> {
  const { nodes, managers } = options;
  const standby = options.standby ?? 0;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 9) throw new Error('nodes must be 1-9');
  if (!Number.isInteger(managers) || managers < 1 || managers > nodes) throw new Error('managers must be 1..nodes');
  if (!Number.isInteger(standby) || standby < 0 || managers + standby > nodes) throw new Error('standby must be 0..nodes-managers');
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const log = options.log ?? (() => undefined);
  cleanLeftovers(prefix, log);
  const names = namesFor(newRunName(prefix));
  installExitHooks();
  claimRun(names);
  const lab = new Lab(names, log, options.stopTimeoutMs ?? 10_000);
  liveLabs.add(lab);
  try {
    const started = Date.now();
    await ip(['link', 'add', names.bridge, 'type', 'bridge']);
    await ip(['link', 'set', names.bridge, 'up']);
    // Bridged frames pass the host's FORWARD chain; once any dockerd ran in the root namespace its policy is DROP.
    await runOk('iptables', ['-w', '5', '-I', 'FORWARD', ...forwardRule(names)], { timeoutMs: 10_000 });
    const tar = buildBusyboxTar(names.dir);
    const started_ = await Promise.all(Array.from({ length: nodes }, (_, i) => startNode(lab, i + 1, i < managers)));
    lab.nodes.push(...started_);
    log(`lab ${names.runName}: ${nodes} dockerd up after ${Date.now() - started} ms`);
    const tarPath = await tar;
    await Promise.all([formSwarm(lab, managers, nodes - standby), ...lab.nodes.map((node) => importImage(node, tarPath))]);
    log(
      `lab ${names.runName}: swarm of ${nodes - standby} (${managers} manager(s))${standby ? `, ${standby} standing by,` : ''} ready after ${Date.now() - started} ms`,
    );
    return lab;
  } catch (error) {
    lab.teardownNow();
    throw error;
  }
}
