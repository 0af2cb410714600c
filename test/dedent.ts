// The literal-block helper the rule tests write their YAML with (test/helpers/dedent.ts).
import t from 'tap';
import { dedent, yaml } from './helpers/dedent.js';

t.equal(
  yaml`
    services:
      db:
        image: postgres
  `,
  'services:\n  db:\n    image: postgres\n',
  'common indentation removed, one final line break',
);
t.equal(
  dedent`
  a
    b

  c
`,
  'a\n  b\n\nc\n',
  'inner indentation and blank lines kept',
);
const port = '"5432:5432"';
t.equal(
  yaml`
    ports:
      - ${port}
  `,
  'ports:\n  - "5432:5432"\n',
  'values inserted as they are',
);
t.equal(yaml`x: \`y\` \${Z}`, 'x: `y` ${Z}', 'escaped backticks and ${ stay literal');
