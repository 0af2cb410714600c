// Whether the lab can run here, and what a test should do when it cannot: skip with a reason, or (under CI) fail.
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BUSYBOX, isStaticElf } from './image.js';

const COMMANDS = ['dockerd', 'containerd', 'runc', 'iptables', 'ip', 'nsenter', 'unshare', 'mount', 'tar', 'hostname'];

function onPath(command: string, path: string): boolean {
  return path.split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Reasons the lab cannot run on this host (empty when it can). */
export function prerequisites(env: NodeJS.ProcessEnv = process.env, uid: number = process.getuid?.() ?? -1): string[] {
  const reasons: string[] = [];
  if (uid !== 0) reasons.push('the lab needs root (network namespaces, iptables, dockerd)');
  const path = env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin';
  const missing = COMMANDS.filter((c) => !onPath(c, `${path}${delimiter}/usr/sbin${delimiter}/sbin`));
  if (missing.length) reasons.push(`missing commands: ${missing.join(', ')} (apt-get install docker.io iptables iproute2)`);
  if (!existsSync(BUSYBOX)) reasons.push(`${BUSYBOX} is missing (apt-get install busybox-static)`);
  else if (!isStaticElf(BUSYBOX)) reasons.push(`${BUSYBOX} is not statically linked (apt-get install busybox-static)`);
  return reasons;
}

export type Decision =
  { readonly run: true } | { readonly run: false; readonly skip: string } | { readonly run: false; readonly fail: string };

/** Run when possible; otherwise skip with the reasons, except under CI=true, where a lab test must never skip. */
export function decide(reasons: readonly string[], env: NodeJS.ProcessEnv = process.env): Decision {
  if (!reasons.length) return { run: true };
  const why = `swarm lab cannot run: ${reasons.join('; ')}`;
  return env.CI === 'true' ? { run: false, fail: `${why} (CI=true: lab tests must run, not skip)` } : { run: false, skip: why };
}
