/**
 * `swarmlint preflight`: every probe at once under one deadline, then one facts document. A probe that has not
 * finished shortly after the deadline is given up on (its facts become an outcome), so a run always ends.
 */
import { setMaxListeners } from 'node:events';
import type { PreflightFacts } from '../language/facts-format.js';
import type { ProbeId } from '../language/probe-ids.js';
import { assemblePreflight, DEFAULT_DATA_PATH_PORT, type ProbeParts } from './assemble.js';
import type { Outcome, ProbeContext } from './context.js';
import type { PeerTarget } from './paths/peer.js';
import { preflightProbes, type Answer, type ProbeRow } from './table.js';

export interface PreflightOptions {
  managers: { address: string; port: number }[];
  peers: string[];
  /** This host's engine (default: DOCKER_HOST, the context, the default socket). */
  dockerHost?: string;
  /** The manager's Engine API, for the swarm's own facts. */
  managerDockerHost?: string;
  dataPathPort?: number;
  timeoutMs: number;
  deadlineMs: number;
  /** Progress, per probe. */
  onProgress?: (event: ProgressEvent) => void;
  now?: () => Date;
}

export interface ProgressEvent {
  probe: ProbeId;
  phase: 'start' | 'done';
  /** Worst outcome of the probe (done only). */
  status?: 'ok' | 'skipped' | 'error';
  ms?: number;
}

/** How long after the deadline a probe may still take to give its partial answer. */
const GRACE_MS = 500;

export async function collectPreflight(options: PreflightOptions): Promise<PreflightFacts> {
  const controller = new AbortController();
  const signal = controller.signal;
  // Every command, socket and ping listens to it.
  setMaxListeners(0, signal);
  const deadline = setTimeout(() => {
    controller.abort();
  }, options.deadlineMs);
  const context: ProbeContext = { signal, timeoutMs: options.timeoutMs };
  const outcomes: Outcome[] = [];
  const parts: ProbeParts = {
    collectedAt: (options.now ?? (() => new Date()))().toISOString(),
    peers: [],
    probedDataPathPort: options.dataPathPort ?? DEFAULT_DATA_PATH_PORT,
    outcomes,
  };

  /** Runs one probe of the table, reports progress, and gives up on it after the deadline. */
  const run = async ({ id: probe, subject, run: start }: ProbeRow): Promise<void> => {
    const started = performance.now();
    options.onProgress?.({ probe, phase: 'start' });
    let late: NodeJS.Timeout | undefined;
    const arm = (resolve: (value: undefined) => void) => () => {
      late = setTimeout(() => {
        resolve(undefined);
      }, GRACE_MS);
    };
    let armed: (() => void) | undefined;
    const giveUp = new Promise<undefined>((resolve) => {
      armed = arm(resolve);
      if (signal.aborted) armed();
      else signal.addEventListener('abort', armed, { once: true });
    });
    let result: Answer | undefined;
    try {
      result = await Promise.race([start(), giveUp]);
    } catch (error) {
      // Probes do not throw; if one does, it is a bug, reported as a failed probe rather than a crash.
      outcomes.push({ probe, status: 'error', reason: `internal error: ${(error as Error).message}`, subject });
    } finally {
      clearTimeout(late);
      if (armed) signal.removeEventListener('abort', armed);
    }
    if (result) {
      result.store();
      outcomes.push(...result.outcomes);
    } else if (signal.aborted) {
      outcomes.push({ probe, status: 'error', reason: `not finished at the deadline (${String(options.deadlineMs)} ms)`, subject });
    }
    const mine = result?.outcomes ?? [{ status: 'error' as const }];
    const status = mine.some((o) => o.status === 'error') ? 'error' : mine.some((o) => o.status === 'skipped') ? 'skipped' : 'ok';
    options.onProgress?.({ probe, phase: 'done', status, ms: performance.now() - started });
  };

  const targets: PeerTarget[] = [
    ...options.managers.map((m) => ({ address: m.address, role: 'manager' as const, controlPort: m.port })),
    ...options.peers.map((address) => ({ address, role: 'peer' as const, controlPort: 2377 })),
  ];
  const peerResults: ProbeParts['peers'] = [];

  try {
    await Promise.all(preflightProbes(options, context, parts, targets, peerResults).map(run));
  } finally {
    clearTimeout(deadline);
    controller.abort();
  }
  // Peers in the order they were named.
  parts.peers = targets.map((t) => peerResults.find((p) => p.peer.address === t.address)).filter((p) => p !== undefined);
  return assemblePreflight(parts);
}
