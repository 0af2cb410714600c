import { createHash } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';
import type { Finding } from './findings.js';

/**
 * A fingerprint that stays the same while the problem stays the same: the rule, the message kind, the file
 * and the logical location (service, node, network), the source text the finding points at, and the message
 * with its numbers folded (task counts, addresses used and line numbers move; the problem does not). Where
 * two findings would still share one, the second gets `:2`, and so on, in report order. With `root`, a file under
 * it is named relative to it (with `/`), so two checkouts of one repository in different folders agree.
 */
export function fingerprintOf(f: Omit<Finding, 'fingerprint'>, anchorText: string, root?: string): string {
  const h = createHash('sha256');
  const logical = f.logical.map((l) => `${l.kind}:${l.id ?? l.name}`).join('/');
  for (const part of [
    f.ruleId,
    f.messageId ?? '',
    root !== undefined && f.file !== undefined ? portable(root, f.file) : (f.file ?? ''),
    logical,
    anchorText.trim().slice(0, 200),
    f.message.replace(/\d+/g, '#'),
  ]) {
    h.update(part);
    h.update('\0');
  }
  return h.digest('hex').slice(0, 32);
}

/** Makes fingerprints unique within one report by numbering repeats. */
export function disambiguate(findings: Finding[]): void {
  const seen = new Map<string, number>();
  for (const f of findings) {
    const n = (seen.get(f.fingerprint) ?? 0) + 1;
    seen.set(f.fingerprint, n);
    if (n > 1) f.fingerprint = `${f.fingerprint}:${String(n)}`;
  }
}

/** portable's answers, by root and file (many findings share a file). */
const portables = new Map<string, string>();

/** A file relative to the root, `/`-separated; a file outside the root (or not a path) as it is. */
function portable(root: string, file: string): string {
  const key = `${root}\0${file}`;
  let out = portables.get(key);
  if (out === undefined) {
    out = portableUncached(root, file);
    portables.set(key, out);
  }
  return out;
}

function portableUncached(root: string, file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(root, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel.split(/[\\/]/).join('/');
}
