// Preloaded into a CLI child (`node --import`) to break the one write that `--fix` makes, as a crash or a full
// disk would: SWARMLINT_WRITE_FAULT=kill writes half of the temporary file and kills the process (SIGKILL, no
// cleanup); =rename makes the rename into place fail (EIO). Only the temporary file's write is touched, so the
// test proves where the fixed text goes before it replaces the file. Not a test file itself.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { Buffer } from 'node:buffer';
import process from 'node:process';

const fault = process.env.SWARMLINT_WRITE_FAULT;
const isTemporary = (path) => typeof path === 'string' && path.endsWith('.tmp');

if (fault === 'kill') {
  const writeFileSync = fs.writeFileSync;
  fs.writeFileSync = (path, data, ...rest) => {
    if (!isTemporary(path)) {
      writeFileSync(path, data, ...rest);
      return;
    }
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    writeFileSync(path, text.slice(0, Math.floor(text.length / 2)), ...rest);
    process.kill(process.pid, 'SIGKILL');
  };
} else if (fault === 'rename') {
  fs.renameSync = (from) => {
    const name = String(from);
    if (!isTemporary(name)) throw new Error(`write-fault: unexpected rename of ${name}`);
    throw Object.assign(new Error(`EIO: i/o error, rename '${name}'`), { code: 'EIO' });
  };
}
syncBuiltinESMExports();
