// A tap reporter that passes the TAP stream through unchanged and ends with one plain line CI can read:
// "N passed, N failed" (plus skipped/todo when there are any), taken from tap's own closing summary.
// While the run goes it says on stderr how far it is: "[12/81] ok test/cli/inputs.ts 20.9 s (95 s)" for every
// test file done, and at the end the slowest files, so a slow suite shows where its time goes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { Transform } from 'node:stream';

/** `.taprc`'s exclude list: folders (`dir/**`) and files. */
function excluded() {
  let text;
  try {
    text = readFileSync('.taprc', 'utf8');
  } catch {
    return () => false;
  }
  const list = /^exclude:\n((?:(?: {2}- .*| {2}#.*)\n)+)/m.exec(text)?.[1] ?? '';
  const patterns = [...list.matchAll(/^ {2}- "?([^"\n]+)"?$/gm)].map((m) => m[1]);
  return (file) => patterns.some((p) => (p.endsWith('/**') ? file.startsWith(p.slice(0, -2)) : file === p));
}

/** Test files the run was given (a file, or the .ts files in a folder), else those .taprc includes. */
function countFiles(argv) {
  const walk = (path) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return [];
    }
    if (!stat.isDirectory()) return path.endsWith('.ts') ? [path] : [];
    return readdirSync(path).flatMap((entry) => walk(join(path, entry)));
  };
  const given = argv.slice(2).filter((a) => !a.startsWith('-'));
  if (given.length > 0) return given.flatMap(walk).length;
  const skip = excluded();
  return walk('test').filter((f) => !skip(f.split(sep).join('/'))).length;
}

export default class PlainSummary extends Transform {
  #tail = '';
  #summary = undefined;
  #total = countFiles(process.argv);
  #done = 0;
  #failed = 0;
  #started = Date.now();
  #times = [];

  _transform(chunk, _encoding, callback) {
    const text = this.#tail + chunk.toString('utf8');
    const lines = text.split('\n');
    this.#tail = lines.pop() ?? '';
    for (const line of lines) this.#read(line);
    callback(null, chunk);
  }

  _flush(callback) {
    if (this.#tail) this.#read(this.#tail);
    if (this.#times.length > 1) {
      const slowest = this.#times.sort((a, b) => b[1] - a[1]).slice(0, 8);
      process.stderr.write(`slowest test files: ${slowest.map(([f, ms]) => `${f} ${(ms / 1000).toFixed(1)} s`).join(', ')}\n`);
    }
    const s = this.#summary;
    if (!s) {
      callback(null, '\n0 passed, 1 failed (tap printed no summary)\n');
      return;
    }
    const extra = [s.skip ? `${s.skip} skipped` : '', s.todo ? `${s.todo} todo` : ''].filter(Boolean);
    callback(null, `\n${s.pass ?? 0} passed, ${s.fail ?? 0} failed${extra.length ? `, ${extra.join(', ')}` : ''}\n`);
  }

  #read(line) {
    // A test file done: a top-level (unindented) result line.
    const file = /^(ok|not ok) \d+ - (\S+)(?: # time=([\d.]+)ms)?/.exec(line);
    if (file) {
      this.#done++;
      if (file[1] === 'not ok') this.#failed++;
      const ms = Number(file[3] ?? 0);
      this.#times.push([file[2], ms]);
      const total = Math.max(this.#total, this.#done);
      const elapsed = Math.round((Date.now() - this.#started) / 1000);
      process.stderr.write(
        `[${this.#done}/${total}] ${file[1]} ${file[2]} ${(ms / 1000).toFixed(1)} s (${elapsed} s${this.#failed ? `, ${this.#failed} failed` : ''})\n`,
      );
    }
    const m = /^# (\{ total: .*\})\s*$/.exec(line);
    if (!m) return;
    const summary = {};
    for (const [, key, value] of m[1].matchAll(/(\w+): (\d+)/g)) summary[key] = Number(value);
    this.#summary = summary;
  }
}
