import { SEVERITIES } from '../language/meta.js';
import { TOOL_NAME, TOOL_VERSION } from '../language/meta.js';
import { withDisplayPaths } from './paths.js';
import type { Reporter } from './types.js';

/** The version of the JSON output format (schemas/findings.schema.json). */
export const JSON_FORMAT = 'swarmlint-findings/1';

/**
 * Findings as JSON, described by schemas/findings.schema.json: every finding with its rule, severity, message,
 * file position (paths relative to the working folder) or logical location, fingerprint and fix; fatal
 * errors; the rules that reported, with their remediation and docs URL; and counts.
 */
export const json: Reporter = (report, context) => {
  const reported = new Set(report.findings.map((f) => f.ruleId));
  const out = {
    format: JSON_FORMAT,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    command: context.command,
    ...withDisplayPaths(context.cwd, report),
    rules: Object.fromEntries(
      context.rules
        .filter((r) => reported.has(r.id))
        .map((r) => [
          r.id,
          {
            description: r.description,
            severity: r.severity,
            ...(r.helpUri ? { docsUrl: r.helpUri } : {}),
            ...(r.remediation ? { remediation: r.remediation } : {}),
          },
        ]),
    ),
    summary: {
      ...Object.fromEntries(SEVERITIES.map((s) => [s, report.findings.filter((f) => f.severity === s).length])),
      fixable: report.findings.filter((f) => f.fix).length,
      errors: report.errors.length,
      files: report.files.length,
    },
  };
  return `${JSON.stringify(out, null, 2)}\n`;
};
