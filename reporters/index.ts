/** Reporters by `--format` name, each loaded when a run uses it (the HTML page's code alone costs ~20 ms of start-up). */
import type { Reporter } from './types.js';

const loaders: Readonly<Record<string, () => Promise<Reporter>>> = {
  github: async () => (await import('./github.js')).github,
  gitlab: async () => (await import('./gitlab.js')).gitlab,
  html: async () => (await import('./html/index.js')).html,
  json: async () => (await import('./json.js')).json,
  prometheus: async () => (await import('./prometheus.js')).prometheus,
  sarif: async () => (await import('./sarif.js')).sarif,
  stylish: async () => (await import('./stylish.js')).stylish,
};

/** The `--format` names. */
export const FORMATS: readonly string[] = Object.keys(loaders);

export function isFormat(name: string): boolean {
  return Object.hasOwn(loaders, name);
}

/** The reporter of a format (undefined for a name that is not one). */
export async function loadReporter(format: string): Promise<Reporter | undefined> {
  return isFormat(format) ? (loaders[format] as () => Promise<Reporter>)() : undefined;
}

export type { Reporter, ReportContext, ReportDocument, RuleDescriptor } from './types.js';
