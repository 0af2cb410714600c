// What `swarmlint lint` writes, byte for byte, in every format, over the fixtures: compared with the files in
// test/snapshots/output/ (written only with SWARMLINT_UPDATE_SNAPSHOT=1, reviewed like code). Speed work (indexes,
// lazy loading, a faster reader) must not change a byte of it. Run in this process (runLint, as the CLI's `lint`
// does after parsing its arguments), with an empty environment, so the figures depend on the code only; and again
// through the built CLI (dist/cli/main.js, the bundle `npm run build` makes of it) in a child process.
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LINT_OPTIONS, parse } from '../../cli/args.js';
import { runLint } from '../../cli/lint.js';
import { assertDistFresh, MAIN } from '../helpers/cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const snapshots = fileURLToPath(new URL('../snapshots/output/', import.meta.url));
const update = process.env.SWARMLINT_UPDATE_SNAPSHOT === '1';

/** A facts document of an audit with many nodes behind the leader: one finding per node, each with its node. */
function manyNodes(count: number): string {
  const nodes = Array.from({ length: count }, (_, i) => ({
    id: `n${String(i)}`,
    hostname: `node-${String(i)}`,
    role: i < 3 ? 'manager' : 'worker',
    engineVersion: i === 0 ? '28.2.2' : i % 3 === 0 ? '28.2.1' : '26.1.5',
    ...(i === 0 ? { leader: true } : {}),
  }));
  return JSON.stringify({ format: 'swarmlint-facts/1', kind: 'audit', nodes }, null, 2);
}

// tap's test folder (.tap/fixtures/<this test>) is at the same place relative to the repository on every run, so
// the facts document's path, and with it the fingerprints, do not change. Reports go to a folder of their own.
const facts = relative(root, join(t.testdir({ 'audit-facts.json': manyNodes(200) }), 'audit-facts.json'));
const dir = mkdtempSync(join(tmpdir(), 'swl-identity-'));
t.teardown(() => {
  rmSync(dir, { recursive: true, force: true });
});

// Files as a user names them, relative to the working folder.
const inputs = ['fixtures/corpus/*.y*ml', 'fixtures/hostile/*.yml', 'fixtures/hostile/stack.json', 'examples/docker-stack.yml', facts];
const runs: { name: string; args: string[] }[] = [
  { name: 'stylish.txt', args: ['-f', 'stylish'] },
  { name: 'stylish-color.txt', args: ['-f', 'stylish', '--color'] },
  { name: 'json.json', args: ['-f', 'json'] },
  { name: 'sarif.json', args: ['-f', 'sarif'] },
  { name: 'html.html', args: ['-f', 'html'] },
  {
    name: 'html-overlaps.html',
    args: ['-f', 'html', '--config', 'fixtures/html/swarmlint.config.yaml', 'fixtures/html/overlaps-stack.yml'],
  },
];

const saved = process.env;
const savedCwd = process.cwd();
process.env = {};
process.chdir(root);
t.teardown(() => {
  process.env = saved;
  process.chdir(savedCwd);
});

/** Compares one report (with its exit code) with its snapshot, or writes the snapshot. */
function compare(t: Test, name: string, code: number | null, out: string): void {
  // The checkout's own folder (SARIF's %SRCROOT%, a message naming another file of the run) as `<root>/`, so
  // the snapshot holds wherever the repository is.
  const text = `exit ${String(code)}\n${readFileSync(out, 'utf8')}`
    .replaceAll(pathToFileURL(root).href, 'file:///<root>/')
    .replaceAll(root, '<root>/');
  const file = join(snapshots, name);
  if (update) {
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    t.pass(`${name} written`);
    return;
  }
  const expected = readFileSync(file, 'utf8');
  // One assertion with the first difference, not a megabyte-long diff.
  if (text === expected) {
    t.pass(`${name}: byte-identical`);
    return;
  }
  let at = 0;
  while (text[at] === expected[at]) at++;
  t.fail(`${name}: differs from offset ${String(at)}`, {
    found: text.slice(Math.max(0, at - 120), at + 120),
    wanted: expected.slice(Math.max(0, at - 120), at + 120),
  });
}

for (const run of runs) {
  const files = run.args.includes('--config') ? [] : inputs;
  t.test(run.name, async (t) => {
    const out = join(dir, run.name);
    const code = await runLint(parse(['lint', ...run.args, '-o', out, ...files].slice(1), LINT_OPTIONS), root);
    compare(t, run.name, code, out);
  });
  if (update) continue;
  t.test(`${run.name}, the built CLI`, (t) => {
    assertDistFresh();
    const out = join(dir, `built-${run.name}`);
    const child = spawnSync(process.execPath, [MAIN, 'lint', ...run.args, '-o', out, ...files], { cwd: root, env: {}, encoding: 'utf8' });
    if (child.error) throw child.error;
    compare(t, run.name, child.status, out);
    t.end();
  });
}
