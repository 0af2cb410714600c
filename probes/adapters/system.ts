/**
 * systeminformation, the only file that imports it: the interface list where iproute2's JSON is not available
 * (busybox `ip`, a minimal container). Called at most once per run, in a worker thread: its
 * `networkInterfaces()` runs synchronous shell commands per interface and blocks whatever thread it runs on for
 * as long as that takes on a host with hundreds of veths (systeminformation#1044); in a worker it cannot block
 * the probes, and at the timeout the run goes on without it.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface SystemInterface {
  iface: string;
  ip4: string;
  ip4subnet: string;
  ip6: string;
  ip6subnet: string;
  mtu: number | null;
  operstate: string;
  internal: boolean;
}

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const si = require(workerData.path);
si.networkInterfaces().then(
  (list) => parentPort.postMessage({ list: Array.isArray(list) ? list : [list] }),
  (error) => parentPort.postMessage({ error: String(error && error.message || error) }),
);
`;

export function systemInterfaces(timeoutMs: number, signal: AbortSignal): Promise<SystemInterface[] | Error> {
  let path: string;
  try {
    path = createRequire(import.meta.url).resolve('systeminformation');
  } catch (error) {
    return Promise.resolve(error as Error);
  }
  return new Promise((resolve) => {
    const worker = new Worker(SOURCE, { eval: true, workerData: { path } });
    // A worker stuck in a synchronous command must not keep the process alive after the run.
    worker.unref();
    let done = false;
    const finish = (value: SystemInterface[] | Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      resolve(value);
    };
    const onAbort = (): void => {
      finish(new Error('stopped at the deadline'));
    };
    const timer = setTimeout(() => {
      finish(new Error(`systeminformation took longer than ${String(timeoutMs)} ms`));
    }, timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: { list?: SystemInterface[]; error?: string }) => {
      finish(message.list ?? new Error(message.error ?? 'no answer'));
    });
    worker.on('error', (error) => {
      finish(error);
    });
  });
}
