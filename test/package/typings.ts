// The packed typings (dist/**/*.d.ts as `npm pack` ships them) compiled the way a user's TypeScript project compiles
// them. ESLint is an optional peer, and so is what the typings of the plugin and of createRule are written in:
// without ESLint installed, a consumer of `swarmlint` compiles with `skipLibCheck` (tsc --init's default); with
// `skipLibCheck: false` the only errors are modules of the optional peers README names ("TypeScript"), so a leak of
// another package's types fails here; with ESLint and @typescript-eslint/utils installed, `swarmlint` and
// `swarmlint/rule-tester` compile with no error at all.
import t from 'tap';
import { packedFiles } from '../helpers/packed.js';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';

const root = new URL('../../', import.meta.url).pathname;

/**
 * The modules of the optional peers that the typings may name (README, "TypeScript"): a project without the peers
 * lacks them. Any other missing module is a leak.
 */
const PEER_TYPES = [
  '@eslint/core',
  '@eslint/plugin-kit',
  '@typescript-eslint/utils/eslint-utils',
  '@typescript-eslint/utils/ts-eslint',
  'eslint',
  'eslint/universal',
];

const CONSUMER = `import swarmlint, { createRule, report, visit, ruleCreator, languages, textOf } from 'swarmlint';
import type { Severity, ClusterProfile, SwarmlintDocs } from 'swarmlint';

const severity: Severity = 'warning';
const cluster: ClusterProfile | undefined = undefined;
const docs: SwarmlintDocs | undefined = undefined;
export const used = [swarmlint, createRule, report, visit, ruleCreator, languages, textOf, severity, cluster, docs];
`;

const RULE_TESTER_CONSUMER = `import { testRule, RuleTester } from 'swarmlint/rule-tester';
export const used = [testRule, RuleTester];
`;

/** The files `npm pack` ships, copied into `<project>/node_modules/swarmlint`. */
function installPacked(project: string): void {
  const target = join(project, 'node_modules', 'swarmlint');
  for (const path of packedFiles(root)) {
    mkdirSync(dirname(join(target, path)), { recursive: true });
    cpSync(join(root, path), join(target, path));
  }
  writeFileSync(join(project, 'package.json'), '{ "name": "consumer", "version": "1.0.0", "private": true, "type": "module" }\n');
}

/** tsc over `files` in `project` with a user's strict NodeNext settings: the diagnostics, one line each. */
function compile(project: string, files: Record<string, string>, skipLibCheck: boolean): string[] {
  const names = Object.entries(files).map(([name, text]) => {
    writeFileSync(join(project, name), text);
    return join(project, name);
  });
  const program = ts.createProgram(names, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck,
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    return d.file ? `${d.file.fileName.slice(project.length + 1)}: ${text}` : text;
  });
}

const missingModules = (diagnostics: string[]): string[] =>
  [...new Set(diagnostics.map((d) => /Cannot find module '([^']+)'/.exec(d)?.[1] ?? `other: ${d}`))].sort();

if (!existsSync(join(root, 'dist/index.d.ts'))) {
  t.fail('dist/ is not built (npm run build)');
} else {
  // Outside the repository: no node_modules above it holds ESLint.
  const bare = mkdtempSync(join(tmpdir(), 'swarmlint-typings-'));
  t.teardown(() => {
    rmSync(bare, { recursive: true, force: true });
  });
  installPacked(bare);

  t.test('without ESLint installed: skipLibCheck compiles; the rest is the documented peers', (t) => {
    t.notOk(existsSync(join(bare, 'node_modules', 'eslint')), 'no eslint in the project');
    t.same(compile(bare, { 'consumer.ts': CONSUMER }, true), [], 'skipLibCheck: true (tsc --init): no error');
    const strict = compile(bare, { 'consumer.ts': CONSUMER }, false);
    const missing = missingModules(strict);
    t.ok(missing.length > 0, `skipLibCheck: false: the peers' modules are missing (${missing.join(', ')})`);
    t.same(
      missing.filter((m) => !PEER_TYPES.includes(m)),
      [],
      'skipLibCheck: false: nothing but the optional peers is missing',
    );
    t.same(
      strict.filter((d) => d.startsWith('consumer.ts')),
      [],
      "no error in the consumer's own code",
    );
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const module of PEER_TYPES) t.ok(readme.includes(`\`${module}\``), `README names ${module}`);
    t.end();
  });

  t.test('with ESLint and @typescript-eslint/utils installed: no error, rule tester included', (t) => {
    // Inside the repository: the packages' own node_modules (the devDependencies) are found above the project.
    const withPeers = t.testdir({});
    installPacked(withPeers);
    t.same(compile(withPeers, { 'consumer.ts': CONSUMER, 'tester.ts': RULE_TESTER_CONSUMER }, false), []);
    t.end();
  });
}
