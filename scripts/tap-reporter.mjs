// A tap reporter that passes the TAP stream through unchanged and ends with one plain line CI can read:
// "N passed, N failed" (plus skipped/todo when there are any), taken from tap's own closing summary.
import { Transform } from 'node:stream';

export default class PlainSummary extends Transform {
  #tail = '';
  #summary = undefined;

  _transform(chunk, _encoding, callback) {
    const text = this.#tail + chunk.toString('utf8');
    const lines = text.split('\n');
    this.#tail = lines.pop() ?? '';
    for (const line of lines) this.#read(line);
    callback(null, chunk);
  }

  _flush(callback) {
    if (this.#tail) this.#read(this.#tail);
    const s = this.#summary;
    if (!s) {
      callback(null, '\n0 passed, 1 failed (tap printed no summary)\n');
      return;
    }
    const extra = [s.skip ? `${s.skip} skipped` : '', s.todo ? `${s.todo} todo` : ''].filter(Boolean);
    callback(null, `\n${s.pass ?? 0} passed, ${s.fail ?? 0} failed${extra.length ? `, ${extra.join(', ')}` : ''}\n`);
  }

  #read(line) {
    const m = /^# (\{ total: .*\})\s*$/.exec(line);
    if (!m) return;
    const summary = {};
    for (const [, key, value] of m[1].matchAll(/(\w+): (\d+)/g)) summary[key] = Number(value);
    this.#summary = summary;
  }
}
