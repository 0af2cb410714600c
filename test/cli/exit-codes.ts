// Exit codes and usage errors of `swarmlint lint`: each code once as the exit status of the built CLI in a child
// process (0, 1, 2 for a usage error and with no command), the other cases in this process (the same main, the
// code it returns).
import t from 'tap';
import { CLEAN, ONE_WARNING, swarmlint, swarmlintInProcess, TWO_PROBLEMS } from '../helpers/cli.js';

// A hang limit, not a speed bound: four child processes on a busy machine.
t.setTimeout(600_000);

const cwd = t.testdir({
  'two.yml': TWO_PROBLEMS,
  'clean.yml': CLEAN,
  'warn.yml': ONE_WARNING,
  'notyaml.yml': 'services:\n  web:\n    image: nginx\n  - oops\n',
  'facts.json': '{"format": "swarmlint-facts/1", "kind": "audit", "nodes": [], "networks": [], "services": []}\n',
});

t.test('0 when clean, quietly', async (t) => {
  const r = await swarmlint(['lint', 'clean.yml'], { cwd });
  t.same(r, { code: 0, stdout: '', stderr: '' });
});

t.test('1 for findings at or over the failure threshold', async (t) => {
  const r = await swarmlint(['lint', 'two.yml', 'clean.yml'], { cwd });
  t.equal(r.code, 1, 'an error finding fails at the default threshold (error)');
  t.match(r.stdout, /^two\.yml\n {2}5:5 +warning .*swarm-ignored-key\n {2}7:9 +error .*dnsrr-ingress-port\n/);
  t.notMatch(r.stdout, 'clean.yml', 'a clean file is not listed');
  t.equal(r.stderr, '');
  const warn = await swarmlintInProcess(['lint', 'warn.yml'], { cwd });
  t.equal(warn.code, 0, 'a warning alone does not fail at the default threshold');
  t.match(warn.stdout, '✖ 1 problem (1 warning)');
  t.equal(
    (await swarmlintInProcess(['lint', '--failure-threshold', 'warning', 'warn.yml'], { cwd })).code,
    1,
    '--failure-threshold warning',
  );
  t.equal((await swarmlintInProcess(['lint', '--failure-threshold', 'none', 'two.yml'], { cwd })).code, 0, '--failure-threshold none');
});

t.test('--max-warnings', async (t) => {
  t.equal((await swarmlintInProcess(['lint', '--max-warnings', '0', 'warn.yml'], { cwd })).code, 1, 'more warnings than 0');
  t.equal((await swarmlintInProcess(['lint', '--max-warnings=1', 'warn.yml'], { cwd })).code, 0, 'not more than 1');
  const dir = t.testdir({ 'warn.yml': ONE_WARNING, 'swarmlint.config.json': '{ "maxWarnings": 0 }' });
  t.equal((await swarmlintInProcess(['lint', 'warn.yml'], { cwd: dir })).code, 1, "the config's maxWarnings");
  t.equal((await swarmlintInProcess(['lint', '--max-warnings', '-1', 'warn.yml'], { cwd: dir })).code, 0, '--max-warnings -1 lifts it');
  t.equal((await swarmlintInProcess(['lint', '--max-warnings=-1', 'warn.yml'], { cwd: dir })).code, 0, '--max-warnings=-1 too');
});

t.test('--rule id:severity', async (t) => {
  const r = await swarmlintInProcess(['lint', '--rule', 'swarm-ignored-key:error', '--rule', 'dnsrr-ingress-port:off', 'two.yml'], { cwd });
  t.equal(r.code, 1, 'the warning became an error');
  t.match(r.stdout, /5:5 +error .*swarm-ignored-key/);
  t.notMatch(r.stdout, 'dnsrr-ingress-port', 'the rule turned off did not report');
});

t.test('2 for usage errors, before any work, with one line on stderr', async (t) => {
  for (const [args, message] of [
    [['lint', '--bogus', 'two.yml'], /^swarmlint: Unknown option '--bogus'\n$/],
    [['lint'], /^swarmlint: no files to lint \(swarmlint lint --help\)\n$/],
    [['lint', '--format', 'xml', 'two.yml'], /^swarmlint: unknown format "xml" \(one of: .*json.*sarif.*stylish.*\)\n$/],
    [['lint', '--format', 'sarf', 'two.yml'], /^swarmlint: unknown format "sarf" \(did you mean "sarif"\?\) \(one of: .*\)\n$/],
    [['lint', '--max-warnings', 'many', 'two.yml'], /^swarmlint: --max-warnings many: a whole number, 0 or more \(-1: no limit\)\n$/],
    [['lint', '--max-warnings', '-2', 'two.yml'], /^swarmlint: --max-warnings -2: a whole number, 0 or more \(-1: no limit\)\n$/],
    [['lint', '--max-warning', '1', 'two.yml'], /^swarmlint: Unknown option '--max-warning' \(did you mean --max-warnings\?\)\n$/],
    [['lnt', 'two.yml'], /^swarmlint: unknown command "lnt" \(did you mean "lint"\?\) \(swarmlint --help\)\n$/],
    [
      ['lint', '--failure-threshold', 'fatal', 'two.yml'],
      /^swarmlint: --failure-threshold fatal: one of error, warning, info, suggestion, none\n$/,
    ],
    [['lint', '--rule', 'nope:error', 'two.yml'], /^swarmlint: --rule nope:error: unknown rule "nope"\n$/],
    [['frobnicate'], /^swarmlint: unknown command "frobnicate" \(swarmlint --help\)\n$/],
  ] as const) {
    // The first through a real process: exit status 2 and the one line on its stderr.
    const r = await (args[1] === '--bogus' ? swarmlint : swarmlintInProcess)(args, { cwd });
    t.equal(r.code, 2, `${args.join(' ')}: exit 2`);
    t.match(r.stderr, message, `${args.join(' ')}: the message`);
    t.equal(r.stdout, '', `${args.join(' ')}: no report`);
  }
  const none = await swarmlint([], { cwd });
  t.equal(none.code, 2, 'no command: exit 2');
  t.match(none.stdout, /^Usage: swarmlint <command>/, 'with the help');
});

t.test('2 for files that cannot be checked; the others are still reported', async (t) => {
  const r = await swarmlintInProcess(['lint', 'notyaml.yml', 'missing.yml', 'two.yml'], { cwd });
  t.equal(r.code, 2);
  const lines = r.stdout.split('\n');
  t.ok(
    lines.slice(0, 2).some((l) => /^notyaml\.yml:4:\d+: error: \S/.test(l)),
    'not YAML: the file and the line, first',
  );
  t.ok(lines.slice(0, 2).includes('missing.yml: error: no such file or folder'), 'a missing file');
  t.match(r.stdout, /two\.yml\n {2}5:5/, 'the other file is reported');
  t.match(r.stdout, /, 2 files not checked\n/, 'the summary counts them');
  const json = await swarmlintInProcess(['lint', '-f', 'json', 'missing.yml'], { cwd });
  t.equal(json.code, 2);
  const errors = (JSON.parse(json.stdout) as { errors: { kind: string; file: string }[] }).errors;
  t.same(errors, [{ kind: 'io', message: 'no such file or folder', file: 'missing.yml' }], 'in JSON too');
});

t.test('a facts document is linted too', async (t) => {
  const r = await swarmlintInProcess(['lint', 'facts.json'], { cwd });
  t.not(r.code, 2, 'read as a facts document, not a stack file');
  t.equal(r.stderr, '');
});
