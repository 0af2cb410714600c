/**
 * Kernel prerequisites of overlay networks: which modules are loaded, built in, available or missing, from
 * /proc/modules, modules.builtin, the kernel's config (/proc/config.gz or /boot/config-RELEASE), `modprobe -n` and
 * /sys/module. And which iptables backend `iptables -V` names.
 */
import type { FactsKernelModule } from '../../language/facts-format.js';

/**
 * The modules swarm networking uses, with the kernel option that builds each (moby's contrib/check-config.sh):
 * VXLAN for every overlay and IPVS for service VIPs and the routing mesh; for encrypted overlays xfrm_user and
 * xfrm_algo (IPsec through netlink), esp4, and the AES-GCM parts libnetwork's SAs use (gcm, seqiv, ghash); xt_u32
 * (or xt_bpf) for the iptables rules that drop unencrypted VXLAN of encrypted overlays since CVE-2023-28840;
 * af_key for tools that speak PF_KEY rather than netlink.
 */
export const SWARM_MODULES: readonly { name: string; config: string }[] = [
  { name: 'vxlan', config: 'CONFIG_VXLAN' },
  { name: 'ip_vs', config: 'CONFIG_IP_VS' },
  { name: 'xfrm_user', config: 'CONFIG_XFRM_USER' },
  { name: 'xfrm_algo', config: 'CONFIG_XFRM_ALGO' },
  { name: 'esp4', config: 'CONFIG_INET_ESP' },
  { name: 'gcm', config: 'CONFIG_CRYPTO_GCM' },
  { name: 'seqiv', config: 'CONFIG_CRYPTO_SEQIV' },
  { name: 'ghash_generic', config: 'CONFIG_CRYPTO_GHASH' },
  { name: 'af_key', config: 'CONFIG_NET_KEY' },
  { name: 'xt_u32', config: 'CONFIG_NETFILTER_XT_MATCH_U32' },
  { name: 'xt_bpf', config: 'CONFIG_NETFILTER_XT_MATCH_BPF' },
];

/** What was read about modules; every part is optional (a missing file, a command not installed). */
export interface KernelSources {
  /** /proc/modules */
  procModules?: string;
  /** /lib/modules/RELEASE/modules.builtin */
  builtin?: string;
  /** The kernel config, uncompressed. */
  config?: string;
  /** `modprobe -n -v NAME` per module: exit code and what it printed. */
  modprobe?: ReadonlyMap<string, { code: number | null; output: string }>;
  /** Names under /sys/module (built-in modules with parameters show there too). */
  sysModules?: ReadonlySet<string>;
}

const moduleName = (path: string): string =>
  String(path.split('/').pop())
    .replace(/\.ko(\.(xz|zst|gz))?$/, '')
    .replace(/-/g, '_');

/** Names in /proc/modules (first column). */
export function loadedModules(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .map((l) => String(l.split(' ')[0]))
      .filter(Boolean),
  );
}

/** Names in modules.builtin (one path per line). */
export function builtinModules(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map(moduleName),
  );
}

/** `CONFIG_X=y|m|…` and `# CONFIG_X is not set` → option → value (`n` for not set). */
export function kernelConfig(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const set = /^(CONFIG_\w+)=(.*)$/.exec(line);
    if (set) out.set(String(set[1]), String(set[2]));
    const unset = /^# (CONFIG_\w+) is not set$/.exec(line);
    if (unset) out.set(String(unset[1]), 'n');
  }
  return out;
}

export function moduleState(module: { name: string; config: string }, sources: KernelSources): FactsKernelModule['state'] {
  const name = module.name;
  if (sources.procModules !== undefined && loadedModules(sources.procModules).has(name)) return 'loaded';
  if (sources.builtin !== undefined && builtinModules(sources.builtin).has(name)) return 'builtin';
  const config = sources.config !== undefined ? kernelConfig(sources.config) : undefined;
  const option = config?.get(module.config);
  if (option === 'y') return 'builtin';
  const probe = sources.modprobe?.get(name);
  if (probe?.code === 0) return /^builtin /m.test(probe.output) ? 'builtin' : 'available';
  if (option === 'm') return 'available';
  if (option === 'n') return 'missing';
  // A kernel without module support has every module it will ever have built in.
  if (config?.get('CONFIG_MODULES') === 'n') return 'missing';
  if (sources.sysModules?.has(name)) return 'builtin';
  if (probe && /not found/i.test(probe.output)) return 'missing';
  return 'unknown';
}

export function moduleStates(sources: KernelSources): FactsKernelModule[] {
  return SWARM_MODULES.map((m) => ({ name: m.name, state: moduleState(m, sources) }));
}

/** `iptables v1.8.9 (nf_tables)` → `nf_tables`; `(legacy)` or no backend named (before 1.8) → `legacy`. */
export function iptablesBackend(version: string): string | undefined {
  if (!/^ip6?tables v\d/m.test(version)) return undefined;
  return /\(nf_tables\)/.test(version) ? 'nf_tables' : 'legacy';
}
