// `lint --fix` writes each fixed file beside it and renames it into place (engine/write-file.ts): a run killed in
// the middle of the write, a rename that fails and a folder it may not write to all leave the original file
// byte for byte as it was, with its mode; a symlinked stack file stays a symlink and the file it names is fixed.
import t from 'tap';
import { chmodSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv, swarmlint, type Run } from '../helpers/cli.js';

t.setTimeout(300_000);

const FAULT = fileURLToPath(new URL('../helpers/write-fault.mjs', import.meta.url));
const CONFIG = 'extends: none\nrules:\n  prefer-long-port-syntax: suggestion\n';
const STACK = 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n';
const FIXED =
  'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - target: 80\n        published: 8080\n        protocol: tcp\n        mode: ingress\n';

const withFault = (fault: string): Record<string, string> => ({
  SWARMLINT_WRITE_FAULT: fault,
  NODE_OPTIONS: `${childEnv().NODE_OPTIONS ?? ''} --import ${FAULT}`.trim(),
});

t.test('the fault injection works: without a fault, --fix rewrites the file and keeps its mode', async (t) => {
  const cwd = t.testdir({ 'swarmlint.config.yml': CONFIG, 'docker-stack.yml': STACK });
  chmodSync(join(cwd, 'docker-stack.yml'), 0o640);
  const r = await swarmlint(['lint', '--fix', 'docker-stack.yml'], { cwd, env: withFault('none') });
  t.equal(r.stderr, 'swarmlint: fixed 1 problem in 1 file\n');
  t.equal(readFileSync(join(cwd, 'docker-stack.yml'), 'utf8'), FIXED);
  t.equal(statSync(join(cwd, 'docker-stack.yml')).mode & 0o7777, 0o640, 'the mode is kept');
  t.same(readdirSync(cwd).sort(), ['docker-stack.yml', 'swarmlint.config.yml'], 'no temporary file left');
});

t.test('a run killed in the middle of writing the fixed file leaves the original whole', async (t) => {
  const cwd = t.testdir({ 'swarmlint.config.yml': CONFIG, 'docker-stack.yml': STACK });
  chmodSync(join(cwd, 'docker-stack.yml'), 0o600);
  const r = await swarmlint(['lint', '--fix', 'docker-stack.yml'], { cwd, env: withFault('kill') });
  t.equal(r.code, null, 'the child was killed');
  t.equal(readFileSync(join(cwd, 'docker-stack.yml'), 'utf8'), STACK, 'byte for byte the original');
  t.equal(statSync(join(cwd, 'docker-stack.yml')).mode & 0o7777, 0o600, 'with its mode');
  const left = readdirSync(cwd).filter((f) => f.endsWith('.tmp'));
  t.equal(left.length, 1, 'the half-written text went to a temporary file beside it (a kill leaves it behind)');
  t.match(left[0], /^docker-stack\.yml\.\d+\.tmp$/);
  t.not(readFileSync(join(cwd, left[0] ?? ''), 'utf8'), FIXED, 'and it is incomplete');
  const again = await swarmlint(['lint', '--fix', 'docker-stack.yml'], { cwd });
  t.equal(again.code, 0, `the next run fixes the file (${again.stderr})`);
  t.equal(readFileSync(join(cwd, 'docker-stack.yml'), 'utf8'), FIXED);
  t.same(readdirSync(cwd).sort(), ['docker-stack.yml', 'swarmlint.config.yml'], "and removes the killed run's temporary file");
});

t.test('a rename that fails: exit 2, the file is reported as it is, original and mode kept', async (t) => {
  const cwd = t.testdir({ 'swarmlint.config.yml': CONFIG, 'docker-stack.yml': STACK, 'other.yml': STACK });
  chmodSync(join(cwd, 'docker-stack.yml'), 0o604);
  const r = await swarmlint(['lint', '--fix', '-f', 'json', 'docker-stack.yml'], { cwd, env: withFault('rename') });
  t.equal(r.code, 2);
  t.equal(readFileSync(join(cwd, 'docker-stack.yml'), 'utf8'), STACK);
  t.equal(statSync(join(cwd, 'docker-stack.yml')).mode & 0o7777, 0o604);
  t.same(readdirSync(cwd).sort(), ['docker-stack.yml', 'other.yml', 'swarmlint.config.yml'], 'the temporary file is removed');
  t.equal(r.stderr, '', 'nothing claims a fix');
  const out = JSON.parse(r.stdout) as { findings: { ruleId: string; line: number }[]; errors: { message: string }[] };
  t.same(
    out.findings.map((f) => [f.ruleId, f.line]),
    [['prefer-long-port-syntax', 5]],
    'the finding on disk is still reported',
  );
  t.match(out.errors, [{ message: /^--fix could not write the file: EIO/ }]);
});

t.test('a read-only folder: the fixed file cannot be put beside it, so nothing is written', async (t) => {
  const cwd = t.testdir({ 'swarmlint.config.yml': CONFIG, ro: { 'docker-stack.yml': STACK } });
  const file = join(cwd, 'ro', 'docker-stack.yml');
  // The file itself is writable by anyone: writing it in place would succeed and could be cut short.
  chmodSync(file, 0o666);
  chmodSync(join(cwd, 'ro'), 0o555);
  const args = ['lint', '--fix', join('ro', 'docker-stack.yml')];
  let r: Run;
  try {
    r = process.getuid?.() === 0 ? await swarmlint(args, { cwd, uid: 65534 }) : await swarmlint(args, { cwd });
  } finally {
    chmodSync(join(cwd, 'ro'), 0o755);
  }
  t.equal(r.code, 2);
  t.match(r.stdout, /--fix could not write the file: EACCES/, 'the report says why');
  t.notMatch(r.stderr, /fixed \d+ problem/);
  t.equal(readFileSync(file, 'utf8'), STACK, 'the original is untouched');
  t.equal(statSync(file).mode & 0o7777, 0o666);
  t.same(readdirSync(join(cwd, 'ro')), ['docker-stack.yml']);
});

t.test('a symlinked stack file stays a symlink; the file it names is fixed, with its mode', async (t) => {
  const cwd = t.testdir({ 'swarmlint.config.yml': CONFIG, shared: { 'web.yml': STACK } });
  chmodSync(join(cwd, 'shared', 'web.yml'), 0o640);
  symlinkSync(join('shared', 'web.yml'), join(cwd, 'docker-stack.yml'));
  const r = await swarmlint(['lint', '--fix', 'docker-stack.yml'], { cwd });
  t.equal(r.code, 0);
  t.ok(lstatSync(join(cwd, 'docker-stack.yml')).isSymbolicLink(), 'still a symlink');
  t.equal(readlinkSync(join(cwd, 'docker-stack.yml')), join('shared', 'web.yml'), 'to the same file');
  t.equal(readFileSync(join(cwd, 'shared', 'web.yml'), 'utf8'), FIXED);
  t.equal(statSync(join(cwd, 'shared', 'web.yml')).mode & 0o7777, 0o640);
  t.same(readdirSync(join(cwd, 'shared')), ['web.yml'], 'no temporary file left beside it');
});
