import type { FatalError } from './findings.js';
import { LoadError } from '../language/loader/errors.js';
import { loadFacts, looksLikeFacts } from '../language/loader/facts.js';
import type { Environment } from '../language/loader/interpolate.js';
import { defaultLimits, type LoadLimits } from '../language/loader/limits.js';
import { loadStack, type StackSource } from '../language/loader/stack.js';
import type { YamlDialect } from '../language/loader/yaml.js';
import type { LintDocument } from './lint.js';

export interface PrepareOptions {
  env?: Environment;
  limits?: LoadLimits;
  /** docker/cli's YAML library (from the config's `docker.cliVersion`). */
  dialect?: YamlDialect;
}

function fatal(error: unknown, file: string): FatalError {
  if (error instanceof LoadError) return { kind: 'load', message: error.message, file: error.file, line: error.line, column: error.column };
  /* c8 ignore next -- a loader bug, not an input problem; kept so that one bad document never hides the others */
  return { kind: 'load', message: `internal error while loading: ${error instanceof Error ? error.message : String(error)}`, file };
}

/**
 * One lint document from one merge set of stack files (`-c a.yml -c b.yml`), or from one facts document.
 * Returns the fatal error instead when the input cannot be read as either.
 */
export function prepareDocument(sources: readonly StackSource[], options: PrepareOptions = {}): LintDocument | FatalError {
  const first = sources[0];
  if (!first) return { kind: 'config', message: 'no files to lint' };
  try {
    if (sources.length === 1 && looksLikeFacts(first.text)) {
      const root = loadFacts(first.text, first.path, options.limits ?? defaultLimits);
      return {
        name: first.path,
        kind: 'facts',
        text: first.text,
        root,
        files: [{ path: first.path, offset: 0, line: 1, length: first.text.length }],
      };
    }
    const { text, stack } = loadStack(sources, {
      ...(options.env ? { env: options.env } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.dialect ? { dialect: options.dialect } : {}),
    });
    return { name: first.path, kind: 'stack', text, root: stack, files: stack.files };
  } catch (error) {
    return fatal(error, first.path);
  }
}

export function isDocument(x: LintDocument | FatalError): x is LintDocument {
  return 'root' in x;
}
