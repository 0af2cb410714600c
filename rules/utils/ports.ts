import type { PortBinding, Stack } from '../../language/model.js';

/** `8080/tcp`, `8000-8002/tcp` for consecutive ports, `80,443/tcp` otherwise (sorted, duplicates dropped). */
export function formatPorts(ports: readonly number[], protocol: string): string {
  const ranges: [number, number][] = [];
  for (const p of [...new Set(ports)].sort((a, b) => a - b)) {
    const last = ranges[ranges.length - 1];
    if (last && p === last[1] + 1) last[1] = p;
    else ranges.push([p, p]);
  }
  return `${ranges.map(([a, b]) => (a === b ? String(a) : `${String(a)}-${String(b)}`)).join(',')}/${protocol}`;
}

/** The file of a merge set that an offset of the linted text falls in. */
export function fileAt(stack: Stack, offset: number): string {
  let path = '';
  for (const f of stack.files) if (f.offset <= offset) path = f.path;
  return path;
}

/** A port item as written, without its quotes: `8080:80`, `"8080:80"`, `'8080:80'` all give `8080:80`. */
export function specText(text: string, binding: PortBinding): string {
  const raw = text.slice(binding.range[0], binding.range[1]);
  const q = raw[0];
  return (q === '"' || q === "'") && raw.length > 1 && raw.endsWith(q) ? raw.slice(1, -1) : raw;
}
