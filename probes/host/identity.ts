/** Probe: this host's identity and privileges (root, CAP_NET_RAW). */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { FactsHost } from '../../language/facts-format.js';
import type { ProbeContext, ProbeResult } from '../context.js';
import { hasCapNetRaw } from '../parse/host.js';

/** Who this host is and what it may do: the first fields of the facts document's `host`. */
export type HostIdentity = Pick<FactsHost, 'hostname' | 'os' | 'kernel' | 'arch' | 'root' | 'capNetRaw'>;

export async function probeHost(context: ProbeContext): Promise<ProbeResult<{ identity: HostIdentity }>> {
  let status = '';
  try {
    status = await readFile('/proc/self/status', { encoding: 'utf8', signal: context.signal });
  } catch {
    // Not Linux, or /proc is not mounted: no capabilities known.
  }
  const root = process.getuid?.() === 0;
  return {
    identity: {
      hostname: os.hostname(),
      os: process.platform,
      kernel: os.release(),
      arch: os.machine(),
      root,
      capNetRaw: hasCapNetRaw(status),
    },
    outcomes: [],
  };
}
