import { FlatConfigArray, Linter } from './vendored.js';
import type { ESLint, Linter as LinterTypes } from 'eslint';
import { rules as builtinRules, type SwarmlintRule } from '../rules/index.js';
import type { ClusterProfile, RunContext } from '../language/settings.js';
import { compareFindings, type FatalError, type Finding, type LintReport } from './findings.js';
import { disambiguate, fingerprintOf } from './fingerprint.js';
import { LineIndex } from '../language/loader/text.js';
import { severityRank, TOOL_NAME, type Severity } from '../language/meta.js';
import type { Root, StackFileInfo } from '../language/model.js';
import { innermost, refNodes, type RefEntry, type Span } from './ref-index.js';
import { createPlugin, servesKind } from './plugin.js';

/** A document ready to lint: its text, its model, and where its files start in the text. */
export interface LintDocument {
  /** Unique in the run: the first file's path, or a label for a live facts document. */
  name: string;
  kind: 'stack' | 'facts';
  text: string;
  root: Root;
  /** Files in the text; empty for a facts document that exists only in memory (a live audit). */
  files: StackFileInfo[];
}

export interface RuleSetting {
  severity: Severity | 'off';
  options: unknown[];
}

export interface EngineOptions {
  /** Rule id (`overlay-mtu`, or `plugin/rule`) to its setting. Rules not named are off. */
  rules: Readonly<Record<string, RuleSetting>>;
  /** User plugins by prefix (`local` for a local rules module). */
  plugins?: Readonly<Record<string, ESLint.Plugin>>;
  cluster?: ClusterProfile;
  /** Severity of unused suppression comments, or off. */
  unusedSuppressions?: Severity | 'off';
  /** Built-in rules (tests may pass a registry with a rule of their own). */
  builtins?: Readonly<Record<string, SwarmlintRule>>;
  /**
   * The repository root: fingerprints name files relative to it, so they are the same in every checkout (the
   * CLI passes the git top level or `--sarif-root`). Without it, files are named as given.
   */
  root?: string;
  /**
   * The stack documents of the run are deployed to one swarm (`--same-swarm`, the config's `sameSwarm`): only
   * then do rules see the other documents (a port published by two stacks). Without it each file is its own
   * stack, perhaps on its own swarm, as `docker stack deploy` sees it.
   */
  sameSwarm?: boolean;
}

/** Engine-level pseudo-rules: findings that come from directives rather than from a rule. */
export const UNUSED_SUPPRESSION = 'unused-suppression';

function eslintLevel(s: Severity | 'off'): LinterTypes.RuleSeverity {
  return s === 'off' ? 'off' : s === 'error' ? 'error' : 'warn';
}

/** The rule object behind an id, built-in or from a plugin. */
export function ruleFor(
  id: string,
  builtins: Readonly<Record<string, SwarmlintRule>>,
  plugins: Readonly<Record<string, ESLint.Plugin>>,
): SwarmlintRule | undefined {
  const slash = id.indexOf('/');
  if (slash === -1) return builtins[id];
  return plugins[id.slice(0, slash)]?.rules?.[id.slice(slash + 1)] as SwarmlintRule | undefined;
}

function qualified(id: string): string {
  return id.includes('/') ? id : `${TOOL_NAME}/${id}`;
}

function unqualified(id: string): string {
  return id.startsWith(`${TOOL_NAME}/`) ? id.slice(TOOL_NAME.length + 1) : id;
}

/** The file name a document is linted under: rules know their document by it (`context.filename`). */
export function documentName(index: number, kind: LintDocument['kind']): string {
  return `doc${String(index)}.${kind}`;
}

/**
 * ESLint's own FlatConfigArray, normalised once, so that `Linter#verify` (which takes any array with
 * `getConfig()` as normalised) reuses its per-file config cache across documents. The class is not a public
 * export (engine/config-array.ts): when a future ESLint moves it, plain arrays are used (the same results, ~75 ms
 * slower on 80 files).
 */
export function normalised(configs: LinterTypes.Config[]): LinterTypes.Config[] {
  if (!FlatConfigArray) return configs;
  const array = new FlatConfigArray(configs, { basePath: '/' });
  array.normalizeSync();
  return array;
}

/**
 * The built-in rules as ESLint is handed them. One that is set without options goes without its `meta.schema`:
 * ESLint would check `[]` merged with the rule's defaults against it, with an Ajv 6 it builds and a schema per rule
 * it compiles on every run (about 20 ms of a one-file run), and that check cannot fail: no options is valid for
 * ESLint's array form, and test/rules/registry.ts checks every rule's defaults against its schema. A rule set with
 * options keeps the check (the config loader checks them first), as do rules other than the built-in ones.
 */
export function withoutNeedlessSchemas(
  builtins: Readonly<Record<string, SwarmlintRule>>,
  settings: Readonly<Record<string, RuleSetting>>,
): Record<string, SwarmlintRule> {
  return Object.fromEntries(
    Object.entries(builtins).map(([id, rule]) => {
      const needless = builtinRules[id] === rule && Array.isArray(rule.meta.schema) && (settings[id]?.options.length ?? 0) === 0;
      return [id, needless ? ({ ...rule, meta: { ...rule.meta, schema: false } } as unknown as SwarmlintRule) : rule];
    }),
  );
}

/** Every published ingress port of every stack document: the context `published-port-conflict` needs. */
export function runContextOf(documents: readonly LintDocument[]): RunContext {
  const publishedPorts: RunContext['publishedPorts'] = [];
  documents.forEach((doc, index) => {
    if (doc.root.type !== 'Stack') return;
    for (const service of doc.root.services) {
      for (const p of service.ports) {
        if (p.mode !== 'ingress' || !p.published) continue;
        const where = locate(doc.files, p.loc.start.line);
        publishedPorts.push({
          port: p.published,
          protocol: p.protocol,
          service: service.name,
          document: documentName(index, doc.kind),
          order: index,
          file: where?.path ?? doc.name,
          line: where ? p.loc.start.line - where.line + 1 : p.loc.start.line,
        });
      }
    }
  });
  return { publishedPorts };
}

function locate(files: readonly StackFileInfo[], line: number): StackFileInfo | undefined {
  let found: StackFileInfo | undefined;
  for (const f of files) if (f.line <= line) found = f;
  return found;
}

/**
 * Lints documents with ESLint's Linter and our language: one place where documents become findings. A rule
 * that throws is reported as an error for that document (and the other rules still run on it); it never
 * passes silently.
 */
export function lintDocuments(documents: readonly LintDocument[], options: EngineOptions): LintReport {
  const builtins = options.builtins ?? builtinRules;
  const plugins = options.plugins ?? {};
  const preloaded = new Map<string, Root>();
  const plugin = createPlugin(preloaded, withoutNeedlessSchemas(builtins, options.rules));
  const linter = new Linter({ configType: 'flat' });
  const run = options.sameSwarm === true ? runContextOf(documents) : undefined;
  const unused = options.unusedSuppressions ?? 'warning';
  const enabled = Object.entries(options.rules).filter(([, s]) => s.severity !== 'off');
  const enabledFor = {
    stack: enabled.filter(([id]) => servesKind(ruleFor(id, builtins, plugins), 'stack')),
    facts: enabled.filter(([id]) => servesKind(ruleFor(id, builtins, plugins), 'facts')),
  };
  const findings: Finding[] = [];
  const errors: FatalError[] = [];

  // One config (normalised once) per document kind and set of rules skipped after a failure: ESLint then finds
  // each document's merged config in its cache instead of validating every rule's options again.
  const settings = { [TOOL_NAME]: { cluster: options.cluster ?? {}, ...(run ? { run } : {}) } };
  const configs = new Map<string, LinterTypes.Config[]>();
  const configFor = (kind: LintDocument['kind'], disabled: ReadonlySet<string>): LinterTypes.Config[] => {
    const key = `${kind}\0${[...disabled].sort().join(',')}`;
    let config = configs.get(key);
    if (!config) {
      config = normalised([
        {
          files: [`**/*.${kind}`],
          plugins: { [TOOL_NAME]: plugin, ...plugins },
          language: `${TOOL_NAME}/${kind}`,
          settings,
          linterOptions: { reportUnusedDisableDirectives: unused === 'off' ? 'off' : 'warn' },
          rules: Object.fromEntries(
            enabledFor[kind].filter(([id]) => !disabled.has(id)).map(([id, s]) => [qualified(id), [eslintLevel(s.severity), ...s.options]]),
          ),
        },
      ]);
      configs.set(key, config);
    }
    return config;
  };

  /** The one enabled rule that throws on its own on this document, if there is one. */
  const culprit = (doc: LintDocument, virtual: string, disabled: ReadonlySet<string>): string | undefined => {
    const kindEnabled = enabledFor[doc.kind];
    for (const [id] of kindEnabled) {
      if (disabled.has(id)) continue;
      const others = new Set(kindEnabled.map(([other]) => other).filter((other) => other !== id));
      try {
        linter.verify(doc.text, configFor(doc.kind, others), virtual);
      } catch {
        return id;
      }
    }
    /* c8 ignore next -- no single rule fails alone: an ESLint failure, rethrown as an internal error */
    return undefined;
  };

  documents.forEach((doc, index) => {
    const virtual = documentName(index, doc.kind);
    preloaded.set(virtual, doc.root);
    const disabled = new Set<string>();
    const lines = new LineIndex(doc.text);
    const refs = refNodes(doc.root);
    for (;;) {
      const config = configFor(doc.kind, disabled);
      let messages: LinterTypes.LintMessage[];
      try {
        messages = linter.verify(doc.text, config, virtual);
      } catch (error) {
        const ruleId = (error as { ruleId?: string } | null)?.ruleId;
        // A rule that throws something other than an Error leaves no rule id on it: find it by running each
        // enabled rule alone (only on this failure path).
        const id = ruleId ? unqualified(ruleId) : culprit(doc, virtual, disabled);
        if (!id || disabled.has(id)) throw error;
        disabled.add(id);
        const first = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
        errors.push({
          kind: 'rule',
          ruleId: id,
          message: `rule ${id} failed on this document and was skipped: ${first}`,
          file: doc.files[0]?.path ?? doc.name,
        });
        continue;
      }
      const spans = messages.map((m) => spanOf(m, lines));
      const about = innermost(refs, spans);
      for (const [i, m] of messages.entries()) {
        const finding = toFinding(m, doc, spans[i] as Span, about[i], options, builtins, plugins, unused);
        if ('kind' in finding) errors.push(finding);
        else findings.push(finding);
      }
      break;
    }
    preloaded.delete(virtual);
  });
  findings.sort(compareFindings);
  disambiguate(findings);
  return {
    findings,
    errors,
    files: documents.flatMap((d) => d.files.map((f) => f.path)),
    rulesRun: enabled.map(([id]) => id).sort(),
  };
}

/** Offsets of a message's reported span in the linted text. */
function spanOf(m: LinterTypes.LintMessage, lines: LineIndex): Span {
  const start = (lines.starts[m.line - 1] ?? 0) + m.column - 1;
  const end = m.endLine !== undefined ? (lines.starts[m.endLine - 1] ?? 0) + (m.endColumn ?? 1) - 1 : start;
  return { start, end };
}

function toFinding(
  m: LinterTypes.LintMessage,
  doc: LintDocument,
  { start, end }: Span,
  best: RefEntry | undefined,
  options: EngineOptions,
  builtins: Readonly<Record<string, SwarmlintRule>>,
  plugins: Readonly<Record<string, ESLint.Plugin>>,
  unused: Severity | 'off',
): Finding | FatalError {
  const file = locate(doc.files, m.line);
  const fileLine = (line: number): number => (file ? line - file.line + 1 : line);
  if (m.fatal) return { kind: 'load', message: m.message, ...(file ? { file: file.path, line: fileLine(m.line), column: m.column } : {}) };

  let ruleId: string;
  let severity: Severity;
  let message = m.message;
  if (m.ruleId === null) {
    ruleId = UNUSED_SUPPRESSION;
    severity = unused === 'off' ? 'warning' : unused;
    const named = /'([^']+)'/.exec(m.message)?.[1];
    message = named
      ? `Unused suppression: no problem from ${unqualified(named)} was reported here.`
      : 'Unused suppression: no problem was reported here.';
  } else {
    ruleId = unqualified(m.ruleId);
    const configured = options.rules[ruleId]?.severity;
    severity = configured && configured !== 'off' ? configured : m.severity === 2 ? 'error' : 'warning';
    const cap = m.messageId ? ruleFor(ruleId, builtins, plugins)?.meta.docs?.messageSeverity?.[m.messageId] : undefined;
    if (cap && severityRank(cap) < severityRank(severity)) severity = cap;
  }

  // The smallest node with a logical location around the reported span.
  const logical = best?.chain ?? [];

  const base: Omit<Finding, 'fingerprint'> = {
    ruleId,
    ...(m.messageId ? { messageId: m.messageId } : {}),
    severity,
    message,
    logical,
  };
  if (file) {
    Object.assign(base, { file: file.path, line: fileLine(m.line), column: m.column });
    if (m.endLine !== undefined) Object.assign(base, { endLine: fileLine(m.endLine), endColumn: m.endColumn });
    if (m.fix && m.fix.range[0] >= file.offset && m.fix.range[1] <= file.offset + file.length) {
      base.fix = { file: file.path, range: [m.fix.range[0] - file.offset, m.fix.range[1] - file.offset], text: m.fix.text };
    }
  }
  const anchor = file ? doc.text.slice(start, Math.max(start, end)) : '';
  return { ...base, fingerprint: fingerprintOf(base, anchor, options.root) };
}
