// Secrets, configs and named volumes: what each service refers to and what the files define, as docker/cli's
// convert step reads them ("undefined secret", "undefined config", "undefined volume" at deploy).
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { FileObject, Range, ResourceUse } from '../model.js';
import { get, type PValue } from './yaml.js';

export type Kind = ResourceUse['kind'];
export interface Use {
  kind: Kind;
  name: string;
  range: Range;
}
export type Definitions = Record<Kind, string[]>;

/** The source of a short volume spec (`name:/path:ro`) when it is a named volume (not a path, not anonymous). */
function volumeSource(spec: string): string | undefined {
  // A Windows drive (`C:\\data:C:\\app`) or a path is a bind mount; one part alone is an anonymous volume.
  if (/^[a-zA-Z]:[\\/]/.test(spec)) return undefined;
  const parts = spec.split(':');
  if (parts.length < 2) return undefined;
  const source = parts[0] ?? '';
  if (source === '' || /^[./~\\]/.test(source)) return undefined;
  return source;
}

/** Every `secrets`, `configs` and named `volumes` item of a service, short or long form, with its position. */
export function serviceUses(service: PValue): Use[] {
  const uses: Use[] = [];
  for (const kind of ['secret', 'config'] as const) {
    const list = get(service, `${kind}s`);
    if (list?.kind !== 'seq') continue;
    for (const item of list.items) {
      if (item.kind === 'scalar' && item.value !== null) uses.push({ kind, name: String(item.value), range: item.range });
      const source = item.kind === 'map' ? get(item, 'source') : undefined;
      if (source?.kind === 'scalar' && source.value !== null) uses.push({ kind, name: String(source.value), range: source.range });
    }
  }
  const volumes = get(service, 'volumes');
  if (volumes?.kind === 'seq') {
    for (const item of volumes.items) {
      if (item.kind === 'scalar' && typeof item.value === 'string') {
        const name = volumeSource(item.value);
        if (name !== undefined) uses.push({ kind: 'volume', name, range: item.range });
      } else if (item.kind === 'map') {
        const type = get(item, 'type');
        const source = get(item, 'source');
        const isVolume = type === undefined || (type.kind === 'scalar' && type.value === 'volume');
        if (isVolume && source?.kind === 'scalar' && source.value !== null && String(source.value) !== '')
          uses.push({ kind: 'volume', name: String(source.value), range: source.range });
      }
    }
  }
  return uses;
}

/** The names under the top-level `secrets`, `configs` and `volumes` of one file. */
export function fileDefinitions(root: PValue): Definitions {
  const names = (key: string): string[] => {
    const v = get(root, key);
    return v?.kind === 'map' ? v.pairs.map((p) => String(p.key.value)) : [];
  };
  return { secret: names('secrets'), config: names('configs'), volume: names('volumes') };
}

/** A top-level secret or config read from a file, as docker/cli resolves its path, and whether it is there. */
export interface FileSource {
  kind: FileObject['kind'];
  name: string;
  range: Range;
  problem?: FileObject['problem'];
}

/**
 * The `secrets` and `configs` of one (interpolated) file that docker/cli reads from a `file:` at deploy: not
 * external, no `driver` (loader.go loadFileObjectConfig), the path joined to the working folder unless absolute
 * (absPath; no `~` expansion), an empty path being the folder itself. Checked on disk here, since rules do no I/O.
 */
export function fileSources(root: PValue, workingDir: string | undefined): FileSource[] {
  if (workingDir === undefined) return [];
  const out: FileSource[] = [];
  for (const kind of ['secret', 'config'] as const) {
    const section = get(root, `${kind}s`);
    if (section?.kind !== 'map') continue;
    for (const pair of section.pairs) {
      const v = pair.value;
      const external = get(v, 'external');
      if ((external?.kind === 'scalar' && external.value === true) || external?.kind === 'map') continue;
      const driver = get(v, 'driver');
      if (driver?.kind === 'scalar' && driver.value !== null && driver.value !== '') continue;
      const file = get(v, 'file');
      if (file?.kind !== 'scalar' || typeof file.value !== 'string') continue;
      const path = isAbsolute(file.value) ? file.value : join(workingDir, file.value);
      let problem: FileSource['problem'];
      try {
        if (statSync(path).isDirectory()) problem = 'folder';
      } catch {
        problem = 'missing';
      }
      out.push({ kind, name: String(pair.key.value), range: file.range, ...(problem ? { problem } : {}) });
    }
  }
  return out;
}
