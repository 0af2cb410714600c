/**
 * Probe: who listens on which TCP and UDP ports in this host's network namespace (/proc/net/{tcp,udp}{,6}), and
 * which process holds each socket (the `socket:[INODE]` links under /proc/PID/fd). A socket no process holds has no
 * `process`: as root that is the kernel's own (a VXLAN device's on 4789); as anyone else, perhaps just another
 * user's.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import type { FactsListener } from '../../language/facts-format.js';
import { messageOf, type ProbeContext, type ProbeResult } from '../context.js';
import { parseProcNet, socketInode, type Socket } from '../parse/proc-net.js';

/** Inode → process name, for the inodes asked about (stops scanning when all are found). */
async function owners(inodes: ReadonlySet<number>, signal: AbortSignal): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (inodes.size === 0) return out;
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((p) => /^\d+$/.test(p));
  } catch {
    return out;
  }
  for (const pid of pids) {
    if (signal.aborted || out.size === inodes.size) break;
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue; // gone meanwhile, or not ours to look at
    }
    const found: number[] = [];
    await Promise.all(
      fds.map(async (fd) => {
        try {
          const inode = socketInode(await readlink(`/proc/${pid}/fd/${fd}`));
          if (inode !== undefined && inodes.has(inode)) found.push(inode);
        } catch {
          // closed meanwhile
        }
      }),
    );
    if (found.length === 0) continue;
    let name = pid;
    try {
      name = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
    } catch {
      // gone
    }
    for (const inode of found) out.set(inode, name);
  }
  return out;
}

export async function probeListeners(context: ProbeContext): Promise<ProbeResult<{ listeners: FactsListener[] }>> {
  const sockets: Socket[] = [];
  const failures: string[] = [];
  await Promise.all(
    (['tcp', 'tcp6', 'udp', 'udp6'] as const).map(async (file) => {
      try {
        sockets.push(
          ...parseProcNet(
            await readFile(`/proc/net/${file}`, { encoding: 'utf8', signal: context.signal }),
            file.startsWith('tcp') ? 'tcp' : 'udp',
          ),
        );
      } catch (error) {
        // No IPv6 in this kernel is not a failure.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !file.endsWith('6'))
          failures.push(`/proc/net/${file}: ${messageOf(error)}`);
      }
    }),
  );
  const byInode = await owners(new Set(sockets.map((s) => s.inode)), context.signal);
  // Several sockets on one address and port (SO_REUSEPORT: the kernel's VXLAN sockets, dockerd's gossip) are one listener.
  const seen = new Map<string, FactsListener>();
  for (const s of sockets) {
    const process = byInode.get(s.inode);
    const listener: FactsListener = { protocol: s.protocol, port: s.port, address: s.address, ...(process ? { process } : {}) };
    seen.set(JSON.stringify(listener), listener);
  }
  const listeners = [...seen.values()].sort(
    (a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol) || a.address.localeCompare(b.address),
  );
  return {
    listeners,
    outcomes: failures.length
      ? [
          {
            probe: 'host/listeners',
            status: 'error',
            reason: failures.join('; '),
            subject: 'which programs hold the swarm ports on this host',
          },
        ]
      : [],
  };
}
