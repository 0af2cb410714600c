// Host commands for probes, run for real: output, exit codes, a missing command, the timeout, the abort signal and
// the output cap; and how a failure reads.
import t from 'tap';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandFailure, foundOnPath, runCommand } from '../../probes/adapters/command.js';

const signal = new AbortController().signal;

t.test('output and exit code, in the C locale, with sbin on the PATH', async (t) => {
  const r = await runCommand('sh', ['-c', 'echo "$LC_ALL"; echo "$PATH" >&2; exit 3'], { signal, timeoutMs: 5000 });
  t.same([r.code, r.stdout, r.missing, r.timedOut, r.aborted], [3, 'C\n', false, false, false]);
  t.match(r.stderr, /\/usr\/sbin/);
  t.equal(commandFailure('sh', r), `sh exited 3: ${r.stderr.trim()}`);
  t.equal((await runCommand('true', [], { signal, timeoutMs: 5000 })).code, 0);
  const path = process.env.PATH;
  delete process.env.PATH;
  try {
    t.equal((await runCommand('true', [], { signal, timeoutMs: 5000 })).code, 0, 'without a PATH: /usr/bin and /bin');
  } finally {
    process.env.PATH = path;
  }
});

t.test('a command that is not installed', async (t) => {
  const r = await runCommand('swarmlint-no-such-command', [], { signal, timeoutMs: 5000 });
  t.same([r.code, r.missing], [null, true]);
  t.equal(commandFailure('swarmlint-no-such-command', r), 'swarmlint-no-such-command is not installed');
});

t.test('EACCES from a folder on PATH that may not be searched is a missing command, not a forbidden one', async (t) => {
  // nobody's spawn of a command that is nowhere fails with EACCES when PATH holds /root/...: it is missing.
  const dir = t.testdir({ bin: {}, locked: {} });
  const bin = join(dir, 'bin');
  writeFileSync(join(bin, 'not-executable'), '#!/bin/sh\n');
  chmodSync(join(bin, 'not-executable'), 0o644);
  mkdirSync(join(dir, 'locked', 'inner'));
  t.equal(foundOnPath('not-executable', `${join(dir, 'locked')}:${bin}`), true, 'there, but not executable: a real EACCES');
  t.equal(foundOnPath('nft-nowhere', `${join(dir, 'locked')}:${bin}`), false, 'in no folder: missing');
  t.equal(foundOnPath('inner', join(dir, 'locked')), false, 'a folder of that name is not a command');
  t.equal(foundOnPath(join(bin, 'not-executable'), ''), true, 'a path is looked at as it is');
  // As root the exec of a file without an x bit fails with EACCES too: that one is not reported missing.
  const r = await runCommand(join(bin, 'not-executable'), [], { signal, timeoutMs: 5000 });
  t.same([r.code, r.missing], [null, false]);
  t.match(r.stderr, /EACCES/);
});

t.test('the timeout kills it', async (t) => {
  const started = Date.now();
  const r = await runCommand('sleep', ['5'], { signal, timeoutMs: 100 });
  t.ok(Date.now() - started < 2000);
  t.same([r.code, r.timedOut], [null, true]);
  t.equal(commandFailure('sleep', r), 'sleep timed out');
});

t.test('the signal stops it, before or while it runs', async (t) => {
  const controller = new AbortController();
  const running = runCommand('sleep', ['5'], { signal: controller.signal, timeoutMs: 10_000 });
  setTimeout(() => {
    controller.abort();
  }, 50);
  const r = await running;
  t.same([r.code, r.aborted], [null, true]);
  t.equal(commandFailure('sleep', r), 'sleep was stopped at the deadline');
  const before = await runCommand('sleep', ['5'], { signal: controller.signal, timeoutMs: 10_000 });
  t.same([before.aborted, before.code], [true, null]);
});

t.test('output beyond the cap stops it', async (t) => {
  const r = await runCommand('yes', [], { signal, timeoutMs: 10_000, maxBytes: 1000 });
  t.equal(r.code, null);
  t.ok(r.stdout.length <= 1000, `${String(r.stdout.length)} bytes kept`);
});

t.test('how a failure reads without stderr', (t) => {
  const base = { code: 1, stdout: '', stderr: '', missing: false, timedOut: false, aborted: false };
  t.equal(commandFailure('x', { ...base, stdout: 'said this\nand this\nnot this' }), 'x exited 1: said this and this');
  t.equal(commandFailure('x', base), 'x exited 1');
  t.end();
});
