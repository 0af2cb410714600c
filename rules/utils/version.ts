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
