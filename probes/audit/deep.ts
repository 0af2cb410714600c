/**
 * `swarmlint audit --deep`: runs swarmlint's probe image on every node that can run it, over overlay networks made
 * for the run, and collects what each node saw of every other node (facts section `mesh`).
 *
 * What it writes, and nothing else, each labelled `io.swarmlint.deep=1` and `io.swarmlint.run=<run>`: the overlay
 * networks `swarmlint-deep-<run>-plain` and (unless `encrypted: false`) `swarmlint-deep-<run>-enc` (encrypted),
 * and the services `swarmlint-deep-<run>-plain`, `-enc` and `-host` (host network), in mode global with restart
 * condition none (not global-job: dockerd 20.10 leaks job tasks). Everything of the run is removed when it ends,
 * whether it succeeded, failed, timed out or was interrupted (`signal`); what earlier runs left (by the label
 * `io.swarmlint.deep`) is removed before anything is created.
 */
import { randomBytes } from 'node:crypto';
import type { FactsMesh, FactsMeshKind, FactsOutcome } from '../../language/facts-format.js';
import type { EngineWriter } from '../adapters/docker-write.js';
import { dataPathPortOf, vniOf } from '../deep/leak.js';
import { obj, str } from '../parse/json.js';
import { demuxLogs } from '../parse/log-stream.js';
import {
  buildMesh,
  deepNodes,
  deepTasks,
  FINAL_STATES,
  parseConstraint,
  resultsFromLogs,
  skipReason,
  type DeepTask,
  type OverlayKind,
  type ProbeResult,
} from './mesh.js';

export const DEEP_LABEL = 'io.swarmlint.deep';
export const RUN_LABEL = 'io.swarmlint.run';

export interface DeepOptions {
  image: string;
  /** Also an encrypted overlay (default true). */
  encrypted: boolean;
  /** Placement constraints, swarm syntax, all met by a node that runs the tasks. */
  constraints: readonly string[];
  /** The probes' own deadline, seconds. */
  deadlineS: number;
  /** `--deep-sample K` (`peers`) and its seed: each node tests K peers (probes/deep/sample.ts). */
  sample?: { peers: number; seed: string };
  /** How long tasks may take to start, on top of the deadline (seconds; default 60). */
  startS?: number;
  /** Interrupts the run (SIGINT, SIGTERM): what it made is still removed. */
  signal: AbortSignal;
  /** The run id (default: 8 random hex digits). */
  run?: string;
  /** Overrides the image's entrypoint (a stand-in image in tests); the probe's arguments follow it. */
  command?: readonly string[];
  /** Progress, for --debug. */
  log?: (line: string) => void;
  pollMs?: number;
}

export interface DeepRun {
  mesh?: FactsMesh;
  outcomes: FactsOutcome[];
  run: string;
}

/** What `--deep` writes, for --help and the README. */
export const DEEP_WRITES = [
  'overlay network swarmlint-deep-<run>-plain',
  'overlay network swarmlint-deep-<run>-enc (encrypted; not with --deep-no-encrypted)',
  'service swarmlint-deep-<run>-plain (global, restart none, on the plain overlay)',
  'service swarmlint-deep-<run>-enc (global, restart none, on the encrypted overlay)',
  'service swarmlint-deep-<run>-host (global, restart none, on the host network)',
] as const;

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** A signal for one step: the run's, and a bound of its own. */
const bounded = (signal: AbortSignal, ms: number): AbortSignal => AbortSignal.any([signal, AbortSignal.timeout(ms)]);

class Interrupted extends Error {
  override readonly name = 'EngineApiError';
}

/** Removes every service, then every network, carrying `label` (`key=value` or `key`); returns what it could not. */
export async function removeLabelled(api: EngineWriter, label: string, timeoutMs: number, log?: (line: string) => void): Promise<string[]> {
  const signal = AbortSignal.timeout(timeoutMs);
  const left: string[] = [];
  try {
    const services = await api.listServices({ label: [label] }, signal);
    for (const s of services) {
      const id = str(obj(s).ID);
      log?.(`removing service ${str(obj(obj(s).Spec).Name) || id}`);
      await api.removeService(id, signal);
    }
    // A network is refused while tasks are still attached to it: retried until they are gone.
    for (;;) {
      const networks = await api.listNetworks({ label: [label] }, signal);
      if (networks.length === 0) break;
      const busy: string[] = [];
      for (const n of networks) {
        const id = str(obj(n).Id);
        try {
          await api.removeNetwork(id, signal);
          log?.(`removed network ${str(obj(n).Name) || id}`);
        } catch (error) {
          if (signal.aborted) throw error;
          busy.push(`${str(obj(n).Name) || id}: ${(error as Error).message}`);
        }
      }
      if (busy.length === 0) break;
      await sleep(500, signal);
      if (signal.aborted) {
        left.push(...busy);
        break;
      }
    }
  } catch (error) {
    left.push((error as Error).message);
  }
  return left;
}

function probeArgs(
  kind: FactsMeshKind,
  o: {
    run: string;
    service: string;
    expect: number;
    deadlineS: number;
    /** Overlay kinds: how much longer a task may wait for the others to start (deep-probe --start-wait). */
    startWaitS: number;
    managers: string[];
    nodes: string[];
    sample?: { peers: number; seed: string; ids: string[]; addresses: string[] };
    leak?: { vni: number; port: number };
  },
): string[] {
  const args = ['deep-probe', '--run', o.run, '--kind', kind, '--expect', String(o.expect), '--deadline', String(Math.round(o.deadlineS))];
  if (kind !== 'host') args.push('--service', o.service, '--start-wait', String(Math.round(o.startWaitS)));
  // With a sample, the host kind's 7946 targets are the tested nodes, one ID per address.
  const nodes = o.sample ? o.sample.addresses : o.nodes;
  if (kind === 'host') {
    if (o.managers.length > 0) args.push('--managers', o.managers.join(','));
    if (nodes.length > 0) args.push('--nodes', nodes.join(','));
  }
  if (o.sample) args.push('--sample', String(o.sample.peers), '--seed', o.sample.seed, '--ids', o.sample.ids.join(','));
  if (kind === 'host' && o.leak) args.push('--leak-vni', String(o.leak.vni), '--leak-port', String(o.leak.port));
  return args;
}

type MeshLeakInput = { vni: number; port: number } | { untested: string; port: number };

/** The encrypted overlay's VNI (`GET /networks/<id>`, retried for 10 s) and the swarm's data-path port (`GET /swarm`). */
async function leakTarget(api: EngineWriter, networkId: string, signal: AbortSignal): Promise<MeshLeakInput> {
  const getJson = async (path: string): Promise<unknown> =>
    JSON.parse((await api.call('GET', path, { signal: bounded(signal, 30_000) })).body.toString('utf8')) as unknown;
  let port = 4789;
  try {
    port = dataPathPortOf(await getJson('/swarm'));
  } catch (error) {
    if (signal.aborted) throw error;
    return { untested: `the swarm's data-path port could not be read (GET /swarm: ${(error as Error).message})`, port };
  }
  const until = Date.now() + 10_000;
  let last = 'no vxlanid_list in its options';
  for (;;) {
    try {
      const vni = vniOf(await getJson(`/networks/${encodeURIComponent(networkId)}`));
      if (vni !== undefined) return { vni, port };
    } catch (error) {
      if (signal.aborted) throw error;
      last = (error as Error).message;
    }
    if (Date.now() >= until) break;
    await sleep(250, signal);
  }
  return { untested: `the encrypted overlay's VNI could not be read (${last})`, port };
}

/** The deep audit. Never leaves what it made behind; throws only when nothing could be tested. */
export async function runDeep(api: EngineWriter, options: DeepOptions): Promise<DeepRun> {
  for (const c of options.constraints) parseConstraint(c);
  const run = options.run ?? randomBytes(4).toString('hex');
  const log = options.log ?? (() => undefined);
  const poll = options.pollMs ?? 1000;
  const outcomes: FactsOutcome[] = [];
  const labels = { [DEEP_LABEL]: '1', [RUN_LABEL]: run };
  const check = (): void => {
    if (options.signal.aborted) throw new Interrupted('the deep audit was interrupted');
  };

  const stale = await removeLabelled(api, DEEP_LABEL, 60_000, (line) => {
    log(`earlier run: ${line}`);
  });
  if (stale.length > 0)
    outcomes.push({ probe: 'deep/leftovers', status: 'error', reason: stale.join('; '), subject: 'leftovers of earlier deep audits' });
  check();

  const nodes = deepNodes(await api.nodes(bounded(options.signal, 30_000)));
  const skipped = new Map<string, string>();
  for (const n of nodes) {
    const reason = skipReason(n, options.constraints);
    if (reason !== undefined) skipped.set(n.id, reason);
  }
  const tested = nodes.filter((n) => !skipped.has(n.id));
  if (tested.length === 0) {
    throw new Interrupted(
      `no node can run the deep audit's tasks: ${nodes.map((n) => `${n.hostname} ${skipped.get(n.id) ?? ''}`).join('; ') || 'the swarm has no nodes'}`,
    );
  }
  const managers = nodes.filter((n) => n.role === 'manager' && n.state === 'ready').map((n) => n.address);
  const addresses = nodes.filter((n) => n.state === 'ready').map((n) => n.address);

  const overlays: { key: OverlayKind; name: string }[] = [{ key: 'plain', name: `swarmlint-deep-${run}-plain` }];
  if (options.encrypted) overlays.push({ key: 'encrypted', name: `swarmlint-deep-${run}-enc` });
  const services = new Map<string, FactsMeshKind>();
  const serviceNames: string[] = [];
  // Tasks start when their node gets to them (a pull, a busy node): an overlay task may wait up to startWaitS longer
  // for the others, and its deadline then counts from the end of that wait, so the run waits for that too.
  const startS = options.startS ?? 60;
  const startWaitS = Math.min(startS, options.deadlineS);
  const waitMs = (startS + startWaitS + 2 * options.deadlineS) * 1000;
  try {
    const networkIds = new Map<OverlayKind, string>();
    for (const o of overlays) {
      check();
      log(`creating network ${o.name}`);
      const id = await api.createNetwork(
        {
          Name: o.name,
          Driver: 'overlay',
          CheckDuplicate: true,
          Attachable: false,
          Labels: labels,
          Options: o.key === 'encrypted' ? { encrypted: '' } : {},
        },
        bounded(options.signal, 30_000),
      );
      networkIds.set(o.key, id);
    }
    // The encryption-leak check needs the encrypted overlay's VNI (the managers allocate it just after the create)
    // and the swarm's data-path port; without them the check is untested.
    let leak: MeshLeakInput | undefined;
    const encryptedId = networkIds.get('encrypted');
    if (encryptedId) leak = await leakTarget(api, encryptedId, options.signal);
    if (leak && 'untested' in leak) log(`encryption-leak check untested: ${leak.untested}`);
    const kinds: { kind: FactsMeshKind; name: string; network: string }[] = [
      ...overlays.map((o) => ({ kind: o.key, name: o.name, network: networkIds.get(o.key) ?? o.name })),
      { kind: 'host', name: `swarmlint-deep-${run}-host`, network: 'host' },
    ];
    for (const k of kinds) {
      check();
      const args = probeArgs(k.kind, {
        run,
        service: k.name,
        expect: tested.length,
        deadlineS: options.deadlineS,
        startWaitS,
        managers,
        nodes: addresses,
        ...(options.sample ? { sample: { ...options.sample, ids: tested.map((n) => n.id), addresses: tested.map((n) => n.address) } } : {}),
        ...(leak && 'vni' in leak ? { leak } : {}),
      });
      log(`creating service ${k.name}`);
      const id = await api.createService(
        {
          Name: k.name,
          Labels: labels,
          TaskTemplate: {
            ContainerSpec: {
              Image: options.image,
              ...(options.command ? { Command: [...options.command] } : {}),
              Args: args,
              // Swarm expands templates in Env and Hostname, not in Args.
              Env: ['SWARMLINT_NODE_ID={{.Node.ID}}', 'SWARMLINT_NODE_HOSTNAME={{.Node.Hostname}}', `SWARMLINT_DEEP_RUN=${run}`],
              ...(k.kind !== 'host' ? { Hostname: '{{.Node.Hostname}}' } : {}),
              Labels: labels,
              StopSignal: 'SIGKILL',
              StopGracePeriod: 1_000_000_000,
            },
            RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
            Placement: { Constraints: [...options.constraints, 'node.platform.os==linux'] },
            Networks: [{ Target: k.network }],
          },
          Mode: { Global: {} },
          EndpointSpec: { Mode: 'dnsrr' },
        },
        bounded(options.signal, 30_000),
      );
      services.set(id, k.kind);
      serviceNames.push(k.name);
    }

    // Tasks run until their own deadline; the run waits for every tested node's task of every kind to end.
    const started = Date.now();
    let tasks: DeepTask[] = [];
    for (;;) {
      check();
      tasks = deepTasks(await api.listTasks({ service: serviceNames }, bounded(options.signal, 30_000)), services);
      const pending = tested.flatMap((n) =>
        [...services.values()]
          .filter((kind) => !tasks.some((t) => t.kind === kind && t.nodeId === n.id && FINAL_STATES.has(t.state)))
          .map((kind) => `${n.hostname}/${kind}`),
      );
      if (pending.length === 0) break;
      if (Date.now() - started > waitMs) {
        outcomes.push({
          probe: 'deep/tasks',
          status: 'error',
          reason: `still not finished after ${String(Math.round(waitMs / 1000))} s: ${pending.join(', ')}`,
          subject: 'the deep audit tasks of some nodes',
        });
        break;
      }
      await sleep(poll, options.signal);
    }
    log(`tasks: ${tasks.map((t) => `${t.kind}@${t.nodeId.slice(0, 6)} ${t.state}`).join(', ')}`);

    const results = new Map<FactsMeshKind, Map<string, ProbeResult>>();
    for (const [id, kind] of services) {
      check();
      try {
        const raw = await api.serviceLogs(id, bounded(options.signal, 60_000));
        results.set(kind, resultsFromLogs(demuxLogs(raw), kind));
      } catch (error) {
        if (options.signal.aborted) throw error;
        outcomes.push({
          probe: `deep/logs/${kind}`,
          status: 'error',
          reason: (error as Error).message,
          subject: `the ${kind} tasks' results`,
        });
      }
    }
    outcomes.push({ probe: 'deep/mesh', status: 'ok' });
    return {
      run,
      outcomes,
      mesh: buildMesh({
        run,
        image: options.image,
        nodes,
        skipped,
        tasks,
        results,
        networks: overlays,
        ...(options.sample ? { sample: options.sample } : {}),
        ...(leak ? { leak } : {}),
      }),
    };
  } catch (error) {
    if (options.signal.aborted && !(error instanceof Interrupted)) throw new Interrupted('the deep audit was interrupted');
    throw error;
  } finally {
    log(`removing what run ${run} made`);
    const left = await removeLabelled(api, `${RUN_LABEL}=${run}`, 60_000, log);
    if (left.length > 0) {
      // Said on stderr whatever happens to the run's result: these are objects in the user's cluster.
      process.stderr.write(`swarmlint: could not remove everything the deep audit made (label ${RUN_LABEL}=${run}): ${left.join('; ')}\n`);
      outcomes.push({
        probe: 'deep/cleanup',
        status: 'error',
        reason: left.join('; '),
        subject: `removing the run's objects (label ${RUN_LABEL}=${run})`,
      });
    }
  }
}
