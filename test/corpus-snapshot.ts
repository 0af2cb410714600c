// The findings of every rule over the fixtures (fixtures/corpus, fixtures/hostile, examples, and the audit facts
// of every recorded Engine API scenario in fixtures/engine-api) compared with a committed snapshot,
// test/snapshots/corpus-findings.json. The snapshot is the proof that a refactor left behaviour unchanged: it
// is written only on purpose, with SWARMLINT_UPDATE_SNAPSHOT=1, and its diff is reviewed like code.
import t from 'tap';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readInput } from '../cli/inputs.js';
import { isDocument, prepareDocument } from '../engine/documents.js';
import type { FatalError, Finding } from '../engine/findings.js';
import { lintDocuments, type RuleSetting } from '../engine/lint.js';
import { defaultLimits } from '../language/loader/limits.js';
import { factsFromAnswers } from '../probes/audit/collect.js';
import { rules } from '../rules/index.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const snapshotFile = fileURLToPath(new URL('./snapshots/corpus-findings.json', import.meta.url));
const update = process.env.SWARMLINT_UPDATE_SNAPSHOT === '1';

const all: Record<string, RuleSetting> = Object.fromEntries(
  Object.entries(rules).map(([id, r]) => [id, { severity: r.meta.docs?.severity ?? 'error', options: [] }]),
);

interface Outcome {
  findings: Finding[];
  errors: FatalError[];
}

const rel = (p: string | undefined): string | undefined => (p === undefined ? undefined : relative(root, p));

/** Findings and errors with paths relative to the repository, so the snapshot does not depend on where it is. */
function portable(outcome: Outcome): Outcome {
  return {
    findings: outcome.findings.map((f) => ({
      ...f,
      ...(f.file !== undefined ? { file: rel(f.file) } : {}),
      ...(f.fix ? { fix: { ...f.fix, file: rel(f.fix.file) ?? '' } } : {}),
    })),
    errors: outcome.errors.map((e) => ({ ...e, ...(e.file !== undefined ? { file: rel(e.file) } : {}) })),
  };
}

function lintText(path: string, text: string): Outcome {
  const doc = prepareDocument([{ path, text }]);
  if (!isDocument(doc)) return { findings: [], errors: [doc] };
  const report = lintDocuments([doc], { rules: all });
  return { findings: report.findings, errors: report.errors };
}

function lintFile(path: string): Outcome {
  const read = readInput(path, defaultLimits);
  if (!('text' in read)) return { findings: [], errors: [{ kind: 'io', message: read.message, file: path }] };
  return lintText(read.path, read.text);
}

const files = (dir: string, pattern: RegExp): string[] =>
  readdirSync(root + dir)
    .filter((f) => pattern.test(f))
    .sort()
    .map((f) => `${root}${dir}/${f}`);

// Linted by paths relative to the repository (fingerprints include the file as given), so neither findings nor
// fingerprints depend on where the checkout is.
process.chdir(root);
const actual: Record<string, Outcome> = {};
for (const path of [
  ...files('fixtures/corpus', /\.ya?ml$/),
  ...files('fixtures/hostile', /\.(ya?ml|json)$/),
  ...files('examples', /\.ya?ml$/),
])
  actual[relative(root, path)] = portable(lintFile(relative(root, path)));

const scenarios = readdirSync(root + 'fixtures/engine-api', { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
for (const scenario of scenarios) {
  const read = (name: string): unknown =>
    JSON.parse(readFileSync(`${root}fixtures/engine-api/${scenario}/${name}.json`, 'utf8')) as unknown;
  const facts = factsFromAnswers(
    {
      info: read('info'),
      swarm: read('swarm'),
      nodes: read('nodes') as unknown[],
      networks: read('networks') as unknown[],
      services: read('services') as unknown[],
      tasks: read('tasks') as unknown[],
    },
    [],
    'unix:///replay.sock',
    '2026-11-23T18:52:10.000Z',
  );
  const path = `${root}fixtures/engine-api/${scenario}.facts.json`;
  actual[relative(root, path)] = portable(lintText(relative(root, path), JSON.stringify(facts, null, 2)));
}

const text = JSON.stringify(actual, null, 2) + '\n';
if (update) {
  writeFileSync(snapshotFile + '.tmp', text);
  renameSync(snapshotFile + '.tmp', snapshotFile);
  t.pass(`snapshot written: ${relative(root, snapshotFile)}`);
} else {
  const expected = JSON.parse(readFileSync(snapshotFile, 'utf8')) as Record<string, Outcome>;
  t.same(Object.keys(actual), Object.keys(expected), 'the same fixtures as the snapshot');
  for (const [name, outcome] of Object.entries(actual)) t.same(outcome, expected[name], `${name}: findings as in the snapshot`);
  t.ok(Object.values(actual).reduce((n, o) => n + o.findings.length, 0) > 20, 'the fixtures give findings (the snapshot is not empty)');
}
