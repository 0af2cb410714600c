import { isAbsolute, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding } from '../engine/findings.js';
import { HOMEPAGE, TOOL_NAME, TOOL_VERSION, type Severity } from '../language/meta.js';
import type { LogicalRef } from '../language/model.js';
import type { Reporter, ReportContext } from './types.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', suggestion: 'note' };
const SRCROOT = '%SRCROOT%';

const encodePath = (p: string): string => p.split(/[\\/]/).map(encodeURIComponent).join('/');

/** The repository root (`--sarif-root`, the git top level), else the working folder. */
const rootOf = (context: ReportContext): string => context.root ?? context.cwd;

/**
 * A file under the repository root relative to `%SRCROOT%` (what code scanning matches to the repository); one
 * outside it as a `file:` URL; a name that is not a path (`<stdin>`) as a relative reference of its own.
 */
function artifact(path: string, context: ReportContext): { uri: string; uriBaseId?: string } {
  if (!isAbsolute(path)) return { uri: encodePath(path) };
  const rel = relative(rootOf(context), path);
  if (rel.startsWith('..') || isAbsolute(rel)) return { uri: pathToFileURL(path).href };
  return { uri: encodePath(rel), uriBaseId: SRCROOT };
}

function logical(chain: readonly LogicalRef[]): { name: string; fullyQualifiedName: string; kind: string }[] {
  const inner = chain.at(-1);
  if (!inner) return [];
  return [{ name: inner.name, fullyQualifiedName: chain.map((l) => `${l.kind}:${l.name}`).join('/'), kind: inner.kind }];
}

/**
 * Where a result without a file of its own (a live audit's or preflight's finding on a node, a network, a probe)
 * is put: the saved facts file when there is one, else this name, relative to the repository root, that the run
 * declares in `artifacts` as no file of the repository. Code scanning rejects a result that has only logical
 * locations: every result needs `physicalLocation.artifactLocation.uri` and `region.startLine`.
 */
export const factsArtifactName = (command: ReportContext['command']): string => `swarmlint-${command}.json`;

const DESCRIBED: Record<ReportContext['command'], string> = {
  lint: 'the stacks linted together',
  audit: 'the cluster the audit read from the Engine API',
  preflight: 'the host the preflight checked',
};

/** The artifact that stands for the run's facts when they were not saved, declared in `run.artifacts`. */
function factsArtifact(context: ReportContext): Record<string, unknown> {
  return {
    location: { uri: factsArtifactName(context.command) },
    description: {
      text: `Not a file of the repository: ${DESCRIBED[context.command]}. Results found there are put here, at line 1, with their logical location (the node, network, service or probe); \`swarmlint ${context.command} --save-facts FILE\` points them into the saved facts instead.`,
    },
  };
}

interface Location {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: Record<string, number> };
  logicalLocations?: ReturnType<typeof logical>;
}

function location(f: Finding, context: ReportContext): Location {
  let physicalLocation: Location['physicalLocation'];
  if (f.file !== undefined && f.line !== undefined) {
    physicalLocation = {
      artifactLocation: artifact(f.file, context),
      region: {
        startLine: f.line,
        startColumn: f.column ?? 1,
        ...(f.endLine !== undefined ? { endLine: f.endLine } : {}),
        ...(f.endColumn !== undefined ? { endColumn: f.endColumn } : {}),
      },
    };
  } else {
    const file = f.file ?? context.factsFile;
    physicalLocation = {
      artifactLocation: file !== undefined ? artifact(file, context) : { uri: factsArtifactName(context.command) },
      region: { startLine: 1, startColumn: 1 },
    };
  }
  const logicalLocations = logical(f.logical);
  return logicalLocations.length > 0 ? { physicalLocation, logicalLocations } : { physicalLocation };
}

/**
 * SARIF 2.1.0 for code scanning: `tool.driver.rules` with `helpUri`, `help` (the remediation, text and markdown)
 * and `defaultConfiguration.level`; results with regions, logical locations for cluster objects,
 * `partialFingerprints` for stable baselines and `fixes` where a rule fixes; load and rule failures as
 * tool execution notifications.
 */
export const sarif: Reporter = (report, context) => {
  const ids = [...new Set([...report.rulesRun, ...report.findings.map((f) => f.ruleId)])].sort();
  const rules = ids.map((id) => {
    const r = context.rules.find((d) => d.id === id);
    const description = r?.description ?? id;
    const help = r?.remediation ?? description;
    return {
      id,
      name: id.replace(/(^|[-/])([a-z])/g, (_m, _sep: string, c: string) => c.toUpperCase()),
      shortDescription: { text: description },
      fullDescription: { text: r?.fullDescription ?? description },
      ...(r?.helpUri ? { helpUri: r.helpUri } : {}),
      help: { text: help, markdown: r?.helpUri ? `${help}\n\n[Rule documentation](${r.helpUri})` : help },
      defaultConfiguration: { level: LEVEL[r?.severity ?? 'warning'] },
      properties: { tags: ['docker', 'swarm', 'networking'], ...(r?.fixable ? { fixable: true } : {}) },
    };
  });
  const index = new Map(ids.map((id, i) => [id, i]));
  const results = report.findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [location(f, context)],
    partialFingerprints: { [`${TOOL_NAME}/v1`]: f.fingerprint },
    ...(f.fix
      ? {
          fixes: [
            {
              description: { text: `Apply the ${f.ruleId} fix` },
              artifactChanges: [
                {
                  artifactLocation: artifact(f.fix.file, context),
                  replacements: [
                    {
                      deletedRegion: { charOffset: f.fix.range[0], charLength: f.fix.range[1] - f.fix.range[0] },
                      insertedContent: { text: f.fix.text },
                    },
                  ],
                },
              ],
            },
          ],
        }
      : {}),
  }));
  const notifications = report.errors.map((e) => ({
    level: 'error',
    message: { text: e.message },
    ...(e.ruleId ? { associatedRule: { id: e.ruleId, ...(index.has(e.ruleId) ? { index: index.get(e.ruleId) } : {}) } } : {}),
    ...(e.file !== undefined
      ? {
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifact(e.file, context),
                ...(e.line !== undefined ? { region: { startLine: e.line, startColumn: e.column ?? 1 } } : {}),
              },
            },
          ],
        }
      : {}),
  }));
  const log = {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: TOOL_NAME, version: TOOL_VERSION, semanticVersion: TOOL_VERSION, informationUri: HOMEPAGE, rules } },
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(`${rootOf(context).replace(/[\\/]$/, '')}/`).href } },
        // Code scanning keeps one analysis per category: lint, audit and preflight do not replace each other.
        automationDetails: { id: `${TOOL_NAME}/${context.command}/` },
        ...(results.some((r) => r.locations[0]?.physicalLocation.artifactLocation.uri === factsArtifactName(context.command))
          ? { artifacts: [factsArtifact(context)] }
          : {}),
        invocations: [{ executionSuccessful: report.errors.length === 0, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};
