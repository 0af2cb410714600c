// Files swarmlint writes are written beside the target and renamed into place: a new file, a replaced file that
// keeps its mode, a symlink that stays a symlink, and no temporary file left behind when the write fails.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../../engine/write-file.js';

const dir = t.testdir({});

t.test('a new file', (t) => {
  const path = join(dir, 'new.txt');
  writeFileAtomically(path, 'one');
  t.equal(readFileSync(path, 'utf8'), 'one');
  t.same(readdirSync(dir), ['new.txt'], 'nothing else in the folder');
  t.end();
});

t.test('a replaced file keeps its mode', (t) => {
  const path = join(dir, 'kept.yml');
  writeFileSync(path, 'old');
  chmodSync(path, 0o640);
  writeFileAtomically(path, 'new');
  t.equal(readFileSync(path, 'utf8'), 'new');
  t.equal(statSync(path).mode & 0o777, 0o640);
  t.end();
});

t.test('a symlink stays a symlink and its target is replaced', (t) => {
  const real = join(dir, 'real.yml');
  const link = join(dir, 'link.yml');
  writeFileSync(real, 'old');
  symlinkSync(real, link);
  writeFileAtomically(link, 'new');
  t.ok(lstatSync(link).isSymbolicLink());
  t.equal(readFileSync(real, 'utf8'), 'new');
  t.end();
});

t.test('a failed write throws and leaves no temporary file', (t) => {
  const sub = join(dir, 'sub');
  mkdirSync(sub);
  const path = join(sub, 'x.json');
  mkdirSync(path); // a folder where the file should be: the rename fails
  t.throws(() => {
    writeFileAtomically(path, '{}');
  });
  t.same(readdirSync(sub), ['x.json']);
  t.end();
});

t.test('a missing folder is created; a file in the way is an error', (t) => {
  const path = join(dir, 'reports', 'ci', 'swarmlint.sarif');
  writeFileAtomically(path, '{}');
  t.equal(readFileSync(path, 'utf8'), '{}');
  t.same(readdirSync(join(dir, 'reports', 'ci')), ['swarmlint.sarif'], 'nothing else in the new folder');
  writeFileSync(join(dir, 'plain'), 'a file');
  t.throws(() => {
    writeFileAtomically(join(dir, 'plain', 'x.json'), '{}');
  }, /EEXIST|ENOTDIR/);
  t.end();
});

t.test("a killed run's temporary file is removed by the next write; a live run's is left alone", (t) => {
  const sub = join(dir, 'leftovers');
  mkdirSync(sub);
  const path = join(sub, 'report.sarif');
  writeFileSync(path, 'old');
  // A process that has ended: its id names no process now (pids are not reused this quickly).
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const dead = `report.sarif.${gone.stdout}.tmp`;
  const live = `report.sarif.${String(process.ppid)}.tmp`;
  for (const name of [dead, live, 'report.sarif.x.tmp', 'other.sarif.1.tmp']) writeFileSync(join(sub, name), 'half');
  writeFileAtomically(path, 'new');
  t.equal(readFileSync(path, 'utf8'), 'new');
  t.same(
    readdirSync(sub).sort(),
    ['other.sarif.1.tmp', live, 'report.sarif', 'report.sarif.x.tmp'].sort(),
    "only the dead run's file went",
  );
  t.end();
});
