// action.yml: a composite action whose inputs, outputs and steps hang together, whose scripts take inputs from
// the environment (never `${{ }}` pasted into a script), and whose lint step really runs: its script is run with
// bash over a scratch workspace, with the CLI under test as the project's node_modules/.bin/swarmlint.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { childEnv, MAIN, ROOT, TWO_PROBLEMS } from '../helpers/cli.js';
import { errorsOf, validateSarif } from '../helpers/schemas.js';

t.setTimeout(600_000);

interface Step {
  id?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;

t.test('a composite action whose parts refer to each other', (t) => {
  t.type(action.name, 'string');
  t.type(action.description, 'string');
  t.ok(action.description.length <= 125, 'the Marketplace shows up to 125 characters of description');
  t.equal(action.runs.using, 'composite');
  const ids = new Set(action.runs.steps.map((s) => s.id).filter(Boolean));
  const text = JSON.stringify(action);
  for (const [, name] of text.matchAll(/inputs\.([\w-]+)/g)) t.ok(name && name in action.inputs, `inputs.${String(name)} is declared`);
  for (const [, id] of text.matchAll(/steps\.([\w-]+)\.outputs/g)) t.ok(id && ids.has(id), `steps.${String(id)} exists`);
  for (const [name, input] of Object.entries(action.inputs)) {
    t.type(input.description, 'string', `${name}: described`);
    t.type(input.default, 'string', `${name}: a default (inputs are strings)`);
  }
  for (const step of action.runs.steps) {
    if (step.run !== undefined) {
      t.equal(step.shell, 'bash', 'a composite run step names its shell');
      t.notMatch(step.run, '${{', 'no expression pasted into a script');
      const syntax = spawnSync('bash', ['-n'], { input: step.run, encoding: 'utf8' });
      t.equal(syntax.status, 0, `bash -n: ${syntax.stderr}`);
    } else t.match(step.uses, /^[\w-]+\/[\w/-]+@v\d+$/, 'an action pinned to a major version');
  }
  const upload = action.runs.steps.find((s) => s.uses?.includes('upload-sarif'));
  t.match(upload, { if: /always\(\)/, with: { category: 'swarmlint/lint' } }, 'SARIF uploaded even when the lint step found problems');
  t.end();
});

t.test("the lint step's script over a workspace", (t) => {
  const lint = action.runs.steps.find((s) => s.id === 'lint');
  const last = action.runs.steps.at(-1);
  if (!lint?.run || !lint.env || !last?.run) throw new Error('no lint step');
  const workspace = t.testdir({ '.git': {}, deploy: { 'docker-stack.yml': TWO_PROBLEMS }, node_modules: { '.bin': {} } });
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const shim = join(workspace, 'node_modules', '.bin', 'swarmlint');
  writeFileSync(shim, `#!/bin/sh\nexec ${[process.execPath, '--', MAIN].map(quote).join(' ')} "$@"\n`);
  chmodSync(shim, 0o755);

  // The step's environment: each `${{ inputs.x }}` given the input's default, or the value the test sets.
  const run = (inputs: Record<string, string>): { code: number | null; stdout: string; outputs: Record<string, string> } => {
    const output = join(workspace, `output-${String(Math.random()).slice(2)}`);
    writeFileSync(output, '');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(lint.env ?? {})) {
      const name = /inputs\.([\w-]+)/.exec(v)?.[1] ?? '';
      env[k] = inputs[name] ?? action.inputs[name]?.default ?? '';
    }
    // As GitHub runs a bash step: -e and pipefail.
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', String(lint.run)], {
      cwd: workspace,
      encoding: 'utf8',
      env: childEnv({ NO_COLOR: '1', GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: output, ...env }),
    });
    const outputs = Object.fromEntries(
      readFileSync(output, 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    return { code: r.status, stdout: r.stdout, outputs };
  };

  const failing = run({});
  t.equal(failing.code, 0, 'the lint step itself succeeds (the upload still runs)');
  t.same(failing.outputs, { 'sarif-file': 'swarmlint.sarif', 'exit-code': '1' });
  const log = JSON.parse(readFileSync(join(workspace, 'swarmlint.sarif'), 'utf8')) as {
    runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
  };
  t.ok(validateSarif(log), errorsOf(validateSarif));
  t.equal(log.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri, 'deploy/docker-stack.yml');
  t.match(failing.stdout, /^::error file=deploy\/docker-stack\.yml,line=7,col=9,/m, 'annotations');

  const passing = run({
    files: 'deploy/docker-stack.yml\n',
    'failure-threshold': 'none',
    annotations: 'false',
    'sarif-file': 'out/s.sarif',
  });
  t.same(passing.outputs, { 'sarif-file': 'out/s.sarif', 'exit-code': '0' });
  t.equal(passing.stdout, '', 'no annotations when turned off');
  t.ok(readFileSync(join(workspace, 'out', 's.sarif'), 'utf8').includes('"version": "2.1.0"'), 'its folder created');

  const usage = run({ 'max-warnings': 'many' });
  t.equal(usage.outputs['exit-code'], '2', 'a usage error is exit 2');

  const exit = spawnSync('bash', ['-c', last.run], { env: { ...process.env, SWARMLINT_EXIT: '1' } });
  t.equal(exit.status, 1, 'the last step fails the job with swarmlint’s exit code');
  t.end();
});
