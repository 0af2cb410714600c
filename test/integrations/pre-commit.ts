// .pre-commit-hooks.yaml really runs: `pre-commit try-repo` (offline: a local hooks repository, the
// `language: system` hook) over a scratch git repository, with swarmlint found on PATH or in node_modules/.bin.
// CI installs Debian's pre-commit (.ci/run): there the test fails rather than skips when it is missing.
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { childEnv, MAIN, ROOT, TWO_PROBLEMS, CLEAN } from '../helpers/cli.js';

t.setTimeout(600_000);

interface Hook {
  id: string;
  name: string;
  entry: string;
  language: string;
  files: string;
}
const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];

t.test('the hooks file: two hooks, each with what pre-commit requires, for stack file names', (t) => {
  t.same(
    hooks.map((h) => [h.id, h.language]),
    [
      ['swarmlint', 'node'],
      ['swarmlint-system', 'system'],
    ],
  );
  for (const hook of hooks) {
    for (const key of ['id', 'name', 'entry', 'language'] as const) t.type(hook[key], 'string', `${hook.id}: ${key}`);
    t.match(hook.entry, /swarmlint lint/, `${hook.id}: runs swarmlint lint`);
    const files = new RegExp(hook.files);
    for (const name of [
      'docker-stack.yml',
      'deploy/prod.stack.yaml',
      'swarm.yml',
      'docker-compose.override.yml',
      'compose.yaml',
      'a/b/my-stack.yml',
    ])
      t.ok(files.test(name), `${hook.id}: lints ${name}`);
    for (const name of ['.github/workflows/ci.yml', 'values.yaml', 'stack.json', 'stack/values.yml'])
      t.notOk(files.test(name), `${hook.id}: leaves ${name} alone`);
  }
  t.end();
});

const preCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
const missing = preCommit.error !== undefined || preCommit.status !== 0;
if (missing && process.env.CI) t.fail('pre-commit is not installed (Debian: pre-commit); CI installs it');

t.test('pre-commit try-repo runs the system hook', { skip: missing && !process.env.CI ? 'pre-commit is not installed' : false }, (t) => {
  const dir = t.testdir({ bin: {}, hooks: {}, project: {}, home: {} });
  const git = (cwd: string, ...args: string[]): void => {
    execFileSync(
      'git',
      ['-c', 'user.name=swarmlint', '-c', 'user.email=test@swarmlint.invalid', '-c', 'init.defaultBranch=main', ...args],
      {
        cwd,
        stdio: 'pipe',
      },
    );
  };
  // The hooks repository pre-commit clones: this repository's hooks file, committed.
  const hooksRepo = join(dir, 'hooks');
  copyFileSync(join(ROOT, '.pre-commit-hooks.yaml'), join(hooksRepo, '.pre-commit-hooks.yaml'));
  git(hooksRepo, 'init', '-q');
  git(hooksRepo, 'add', '.');
  git(hooksRepo, 'commit', '-qm', 'hooks');
  // swarmlint as an installed command: the CLI under test (dist/, as installed).
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const shim = `#!/bin/sh\nexec ${[process.execPath, '--', MAIN].map(quote).join(' ')} "$@"\n`;
  const bin = join(dir, 'bin');
  writeFileSync(join(bin, 'swarmlint'), shim);
  chmodSync(join(bin, 'swarmlint'), 0o755);

  const project = join(dir, 'project');
  git(project, 'init', '-q');
  const run = (env: Record<string, string> = {}): { code: number | null; out: string } => {
    const r = spawnSync('pre-commit', ['try-repo', hooksRepo, 'swarmlint-system', '--all-files'], {
      cwd: project,
      encoding: 'utf8',
      env: childEnv({ PATH: `${bin}:${String(process.env.PATH)}`, PRE_COMMIT_HOME: join(dir, 'home'), NO_COLOR: '1', ...env }),
    });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };

  writeFileSync(join(project, 'docker-stack.yml'), CLEAN);
  writeFileSync(join(project, 'values.yml'), TWO_PROBLEMS); // not a stack file by name: not linted
  git(project, 'add', '.');
  const clean = run();
  t.equal(clean.code, 0, clean.out);
  t.match(clean.out, /swarmlint \(installed\)\.+Passed/);

  mkdirSync(join(project, 'deploy'));
  writeFileSync(join(project, 'deploy', 'prod.stack.yml'), TWO_PROBLEMS);
  git(project, 'add', '.');
  const failing = run();
  t.equal(failing.code, 1, 'findings fail the hook');
  t.match(failing.out, /swarmlint \(installed\)\.+Failed/);
  t.match(failing.out, /deploy\/prod\.stack\.yml\n {2}5:5 +warning[^\n]+swarm-ignored-key\n {2}7:9 +error[^\n]+dnsrr-ingress-port/);
  t.notMatch(failing.out, 'values.yml', 'only stack files are passed');

  // A project's own swarmlint (npm i -D) comes first, even with none on PATH.
  mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
  copyFileSync(join(bin, 'swarmlint'), join(project, 'node_modules', '.bin', 'swarmlint'));
  chmodSync(join(project, 'node_modules', '.bin', 'swarmlint'), 0o755);
  const local = run({ PATH: String(process.env.PATH) });
  t.equal(local.code, 1, local.out);
  t.match(local.out, /dnsrr-ingress-port/);
  t.end();
});
