// readInput in-process, with small limits: which limit a file is held to, and what is said when it is over.
import t from 'tap';
import { join } from 'node:path';
import { readInput } from '../../cli/inputs.js';
import { defaultLimits } from '../../language/loader/limits.js';

const limits = { ...defaultLimits, maxFileBytes: 100, maxFactsBytes: 1000 };
const factsOf = (bytes: number): string => {
  const head = '{"format": "swarmlint-facts/1", "kind": "audit", "pad": "';
  return `${head}${'x'.repeat(bytes - head.length - 2)}"}`;
};

t.test('a facts document over the stack-file limit is read with the facts limit, and held to it', (t) => {
  const dir = t.testdir({ 'small.json': factsOf(500), 'huge.json': factsOf(1500), 'stack.yml': `# ${'x'.repeat(200)}\n` });
  const small = readInput(join(dir, 'small.json'), limits);
  t.ok('text' in small && small.text.length === 500, 'read: 500 bytes of facts under the 1000-byte facts limit');
  t.match(readInput(join(dir, 'huge.json'), limits), {
    kind: 'load',
    message: /^file is 2 KiB, over the 1 KiB limit for a facts document$/,
    line: 1,
    column: 1,
  });
  t.match(readInput(join(dir, 'stack.yml'), limits), { kind: 'load', message: /over the 1 KiB limit for a stack file$/ });
  t.end();
});
