/**
 * Probe: the kernel modules overlay networks need (probes/parse/kernel.ts), from /proc/modules, modules.builtin,
 * the kernel config, `modprobe -n` (a dry run: nothing is loaded) and /sys/module.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import { gunzipSync } from 'node:zlib';
import type { FactsKernelModule } from '../../language/facts-format.js';
import { runCommand } from '../adapters/command.js';
import type { ProbeContext, ProbeResult } from '../context.js';
import { moduleStates, SWARM_MODULES, type KernelSources } from '../parse/kernel.js';

const read = (path: string, signal: AbortSignal): Promise<string | undefined> =>
  readFile(path, { encoding: 'utf8', signal }).catch(() => undefined);

async function kernelConfigText(release: string, signal: AbortSignal): Promise<string | undefined> {
  try {
    return gunzipSync(await readFile('/proc/config.gz', { signal })).toString('utf8');
  } catch {
    return read(`/boot/config-${release}`, signal);
  }
}

export async function probeKernel(context: ProbeContext): Promise<ProbeResult<{ modules: FactsKernelModule[] }>> {
  const release = os.release();
  const signal = context.signal;
  const moduleDir = `/lib/modules/${release}`;
  const [procModules, builtin, config, sys] = await Promise.all([
    read('/proc/modules', signal),
    read(`${moduleDir}/modules.builtin`, signal),
    kernelConfigText(release, signal),
    readdir('/sys/module').catch(() => undefined),
  ]);
  const sources: KernelSources = {
    ...(procModules !== undefined ? { procModules } : {}),
    ...(builtin !== undefined ? { builtin } : {}),
    ...(config !== undefined ? { config } : {}),
    ...(sys ? { sysModules: new Set(sys) } : {}),
  };
  if (existsSync(moduleDir)) {
    const modprobe = new Map<string, { code: number | null; output: string }>();
    await Promise.all(
      SWARM_MODULES.map(async (m) => {
        const result = await runCommand('modprobe', ['-n', '-v', m.name], { signal, timeoutMs: context.timeoutMs });
        if (!result.missing) modprobe.set(m.name, { code: result.code, output: `${result.stdout}${result.stderr}` });
      }),
    );
    sources.modprobe = modprobe;
  }
  const modules = moduleStates(sources);
  const unknown = modules.filter((m) => m.state === 'unknown').map((m) => m.name);
  return {
    modules,
    outcomes: unknown.length
      ? [
          {
            probe: 'host/kernel-modules',
            status: 'skipped',
            reason: 'no /proc/modules entry, modules.builtin, kernel config or modprobe answer says',
            subject: `whether the kernel has ${unknown.join(', ')}`,
          },
        ]
      : [],
  };
}
