import t from 'tap';
import { checkRuleDocs } from '../helpers/rule-docs.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/prefer-long-port-syntax.js';
import { isDocument, prepareDocument } from '../../engine/documents.js';
import { applyEdits } from '../../engine/fix.js';
import type { FileEdit } from '../../engine/findings.js';
import { lintDocuments } from '../../engine/lint.js';
import type { Stack } from '../../language/model.js';

const head = 'services:\n  web:\n    image: nginx\n';

testRule('prefer-long-port-syntax', rule, {
  valid: [`${head}    ports:\n      - target: 80\n        published: 8080\n`, { name: 'no ports', code: head }],
  invalid: [
    {
      name: 'a block item, with a comment after it',
      code: `${head}    ports:\n      - "8080:80"   # public site\n      - target: 443\n`,
      errors: [{ messageId: 'shortSyntax', line: 5, column: 9, data: { spec: '8080:80', service: 'web' } }],
      output: `${head}    ports:\n      - target: 80   # public site\n        published: 8080\n        protocol: tcp\n        mode: ingress\n      - target: 443\n`,
    },
    {
      name: 'a CRLF file keeps CRLF',
      code: 'services:\r\n  web:\r\n    image: nginx\r\n    ports:\r\n      - 53:53/udp\r\n',
      errors: [{ messageId: 'shortSyntax', line: 5, column: 9, data: { spec: '53:53/udp', service: 'web' } }],
      output:
        'services:\r\n  web:\r\n    image: nginx\r\n    ports:\r\n      - target: 53\r\n        published: 53\r\n        protocol: udp\r\n        mode: ingress\r\n',
    },
    {
      name: 'the last line of a CRLF file without a final line break',
      code: "services:\r\n  web:\r\n    image: nginx\r\n    ports:\r\n      - '80'",
      errors: [{ messageId: 'shortSyntax', line: 5, column: 9, data: { spec: '80', service: 'web' } }],
      output:
        'services:\r\n  web:\r\n    image: nginx\r\n    ports:\r\n      - target: 80\r\n        protocol: tcp\r\n        mode: ingress',
    },
    {
      name: 'the last line of an LF file without a final line break, a number item, a sequence at column 0',
      code: `${head}    ports:\n    - 9000`,
      errors: [{ messageId: 'shortSyntax', line: 5, column: 7, data: { spec: '9000', service: 'web' } }],
      output: `${head}    ports:\n    - target: 9000\n      protocol: tcp\n      mode: ingress`,
    },
    {
      name: 'a flow sequence becomes flow mappings',
      code: `${head}    ports: ["80:80", '443:8443'] # edge\n`,
      errors: [
        { messageId: 'shortSyntax', line: 4, column: 13, data: { spec: '80:80', service: 'web' } },
        { messageId: 'shortSyntax', line: 4, column: 22, data: { spec: '443:8443', service: 'web' } },
      ],
      output: `${head}    ports: [{target: 80, published: 80, protocol: tcp, mode: ingress}, {target: 8443, published: 443, protocol: tcp, mode: ingress}] # edge\n`,
    },
    {
      name: 'a flow sequence over several lines',
      code: `${head}    ports: [\n      "80:80",\n      "81:81"\n    ]\n`,
      errors: [
        { messageId: 'shortSyntax', line: 5, column: 7 },
        { messageId: 'shortSyntax', line: 6, column: 7 },
      ],
      output: `${head}    ports: [\n      {target: 80, published: 80, protocol: tcp, mode: ingress},\n      {target: 81, published: 81, protocol: tcp, mode: ingress}\n    ]\n`,
    },
    {
      name: 'an unspecified host IP means every interface: dropped by the fix',
      code: `${head}    ports:\n      - "0.0.0.0:80:80"\n`,
      errors: [{ messageId: 'shortSyntax', line: 5, column: 9, data: { spec: '0.0.0.0:80:80', service: 'web' } }],
      output: `${head}    ports:\n      - target: 80\n        published: 80\n        protocol: tcp\n        mode: ingress\n`,
    },
    {
      name: 'a range: reported once, not fixed',
      code: `${head}    ports:\n      - "8000-8002:8000-8002"\n`,
      errors: [{ messageId: 'shortRange', line: 5, column: 9, data: { spec: '8000-8002:8000-8002', service: 'web', count: 3 } }],
      output: null,
    },
    {
      name: 'a host IP: reported, not fixed (docker stack deploy ignores it)',
      code: `${head}    ports:\n      - "127.0.0.1:5432:5432"\n`,
      errors: [{ messageId: 'shortHostIp', line: 5, column: 9, data: { spec: '127.0.0.1:5432:5432', service: 'web', ip: '127.0.0.1' } }],
      output: null,
    },
    {
      name: 'variables: reported, not fixed',
      code: `${head}    ports:\n      - "\${PORT:-8080}:80"\n`,
      errors: [{ messageId: 'shortInterpolated', line: 5, column: 9, data: { spec: '${PORT:-8080}:80', service: 'web' } }],
      output: null,
    },
    {
      name: 'an anchored item used twice: reported once, not fixed (the anchor sits before the value)',
      code: `${head}    ports:\n      - &http "80:80"\n  api:\n    image: nginx\n    ports:\n      - *http\n`,
      errors: [{ messageId: 'shortSyntax', line: 5, column: 15, data: { spec: '80:80', service: 'web' } }],
      output: null,
    },
    {
      name: 'an anchor name ending in a dash is not a sequence dash: not fixed',
      code: `${head}    ports:\n      - &web- "80:80"\n`,
      errors: [{ messageId: 'shortSyntax', line: 5, column: 15 }],
      output: null,
    },
    {
      name: 'a value on the line after its dash: not fixed',
      code: `${head}    ports:\n      -\n        "80:80"\n`,
      errors: [{ messageId: 'shortSyntax', line: 6, column: 9 }],
      output: null,
    },
    {
      name: 'trailing spaces and a comment stay on the first line',
      code: `${head}    ports:\n      - "80:80" \n      - "81:81"  #ok\n`,
      errors: [
        { messageId: 'shortSyntax', line: 5, column: 9 },
        { messageId: 'shortSyntax', line: 6, column: 9 },
      ],
      output: `${head}    ports:\n      - target: 80 \n        published: 80\n        protocol: tcp\n        mode: ingress\n      - target: 81  #ok\n        published: 81\n        protocol: tcp\n        mode: ingress\n`,
    },
  ],
});

t.test('prefer-long-port-syntax: the fix keeps what docker stack deploy publishes, in each file of a merge set', (t) => {
  const files = [
    { path: 'base.yml', text: `${head}    ports:\n      - "8080:80" # site\n      - 53:53/udp\n      - "9000"\n` },
    { path: 'extra.yml', text: 'services:\r\n  api:\r\n    image: x\r\n    ports: ["0.0.0.0:81:81", "7000-7001:7000-7001"]\r\n' },
  ];
  const load = (sources: typeof files): { root: Stack; doc: ReturnType<typeof prepareDocument> } => {
    const doc = prepareDocument(sources);
    if (!isDocument(doc) || doc.root.type !== 'Stack') throw new Error('not a stack');
    return { root: doc.root, doc };
  };
  const published = (root: Stack): string[] =>
    root.services.flatMap((s) => s.ports.map((p) => `${s.name} ${String(p.published)}:${String(p.target)}/${p.protocol} ${p.mode}`));
  const before = load(files);
  if (!isDocument(before.doc)) throw new Error('not a document');
  const { findings } = lintDocuments([before.doc], {
    rules: { 'prefer-long-port-syntax': { severity: 'suggestion', options: [] } },
    builtins: { 'prefer-long-port-syntax': rule },
  });
  t.equal(findings.length, 5, 'one finding per item');
  const fixed = files.map((f) => ({
    path: f.path,
    text: applyEdits(
      f.text,
      findings.flatMap((x): FileEdit[] => (x.fix?.file === f.path ? [x.fix] : [])),
    ).text,
  }));
  const after = load(fixed);
  t.same(after.root.diagnostics, [], 'the fixed files are valid');
  t.same(published(after.root), published(before.root), 'the same ports are published');
  t.same(
    after.root.services.flatMap((s) => s.ports.map((p) => p.syntax)),
    ['long', 'long', 'long', 'long', 'short', 'short'],
    'single ports are rewritten, ranges are not',
  );
  t.match(fixed[0]?.text, /- target: 80 # site\n {8}published: 8080\n/);
  t.match(fixed[1]?.text, /\r\n$/);
  t.end();
});

checkRuleDocs('prefer-long-port-syntax', rule);
