/** Engine versions as Docker reports them: `28.2.2`, `20.10.24+dfsg1`, `26.1.5-ce`, `17.06.2-ee-21`. */
export interface EngineVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

export function parseEngineVersion(text: string): EngineVersion | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), text: text.trim() };
}

/** How two versions differ: not at all, in the patch level only, or in major/minor (the release). */
export function versionGap(a: EngineVersion, b: EngineVersion): 'same' | 'patch' | 'release' {
  if (a.major !== b.major || a.minor !== b.minor) return 'release';
  return a.patch === b.patch ? 'same' : 'patch';
}

export function compareVersions(a: EngineVersion, b: EngineVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/**
 * The iptables match an engine marks encrypted overlay traffic with (moby `libnetwork/drivers/overlay`):
 * - `u32-silent`: before 20.10.24 and 23.0.3 only `xt_u32`, and without it the traffic goes out unencrypted with no
 *   error (CVE-2023-28841);
 * - `u32-or-bpf`: 20.10.24+ and 23.0.3+ try `xt_u32`, then `xt_bpf`, and refuse the network when neither loads;
 * - `bpf`: 24.0 and later use only `xt_bpf` (moby/moby#45281).
 */
export type EncryptionMatch = 'u32-silent' | 'u32-or-bpf' | 'bpf';

export function encryptionMatchOf(version: EngineVersion): EncryptionMatch {
  if (version.major >= 24) return 'bpf';
  if (version.major === 23) return version.minor > 0 || version.patch >= 3 ? 'u32-or-bpf' : 'u32-silent';
  if (version.major === 20 && version.minor === 10 && version.patch >= 24) return 'u32-or-bpf';
  return 'u32-silent';
}
