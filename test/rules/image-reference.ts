import t from 'tap';
import { checkRuleDocs } from '../helpers/rule-docs.js';
import { yaml } from '../helpers/dedent.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/image-reference.js';
import { imageProblem } from '../../rules/utils/image-reference.js';

const digest = 'a'.repeat(64);

testRule('image-reference', rule, {
  valid: [
    {
      name: 'names, tags, registries with ports, a capitalised registry host, digests, and defaults of unset variables',
      code: yaml`
        services:
          a:
            image: nginx
          b:
            image: library/nginx:1.27-alpine
          c:
            image: registry.example.com:5000/team/app_x.y:v1.0
          d:
            image: localhost/app
          e:
            image: Registry.Example.com/app:1
          f:
            image: app@sha256:${digest}
          g:
            image: \${SWL_TEST_UNSET_REGISTRY:-docker.io}/app:\${SWL_TEST_UNSET_TAG:-1}
      `,
    },
    { name: 'no image at all is the schema rule', code: 'services:\n  a:\n    command: ["true"]\n' },
    {
      name: 'a required variable that is unset fails the interpolation first (the interpolation rule)',
      code: 'services:\n  a:\n    image: "${SWL_TEST_UNSET_IMAGE?set it}:1"\n',
    },
  ],
  invalid: [
    {
      name: 'a trailing colon, upper case, an empty value',
      code: yaml`
        services:
          a:
            image: "app:"
          b:
            image: MyOrg/app:1
          c:
            image: ""
      `,
      errors: [
        { messageId: 'invalid', line: 3, column: 12, data: { service: 'Service `a`', why: 'it ends in `:` with no tag after it' } },
        { messageId: 'invalid', line: 5, column: 12, data: { service: 'Service `b`', why: 'the repository name must be lower case' } },
        { messageId: 'invalid', line: 7, column: 12, data: { service: 'Service `c`', why: 'it is empty' } },
      ],
    },
    {
      name: 'unset variables leave `/app` and `app:` behind',
      code: yaml`
        services:
          a:
            image: \${SWL_TEST_UNSET_REGISTRY}/app:1
          b:
            image: "app:\${SWL_TEST_UNSET_TAG}"
      `,
      errors: [
        {
          messageId: 'invalidInterpolated',
          line: 3,
          column: 12,
          data: {
            service: 'Service `a`',
            written: '${SWL_TEST_UNSET_REGISTRY}/app:1',
            why: 'it has an empty path component (`/` at the start or `//`)',
          },
        },
        {
          messageId: 'invalidInterpolated',
          line: 5,
          column: 12,
          data: { service: 'Service `b`', written: 'app:${SWL_TEST_UNSET_TAG}', why: 'it ends in `:` with no tag after it' },
        },
      ],
    },
    {
      name: 'an anchor merged into two services: one finding naming both',
      code: yaml`
        x-app: &app
          image: "app:\${SWL_TEST_UNSET_TAG}"
        services:
          a:
            <<: *app
          b:
            <<: *app
      `,
      errors: [
        {
          messageId: 'invalidInterpolated',
          line: 2,
          column: 10,
          data: { service: 'Services `a`, `b`', written: 'app:${SWL_TEST_UNSET_TAG}', why: 'it ends in `:` with no tag after it' },
        },
      ],
    },
  ],
});

t.test('imageProblem: distribution/reference as swarmkit reads it', (t) => {
  for (const ok of [
    'busybox',
    'a/b/c',
    'a-b__c.d/e',
    '[::1]:5000/app',
    'x.io/a@sha256:' + digest,
    'app:1.0_rc-2',
    'app:' + 'x'.repeat(128),
  ])
    t.equal(imageProblem(ok), undefined, ok);
  for (const [bad, why] of [
    ['app name', 'white space'],
    ['app@', '`@`'],
    ['a//b', 'empty path'],
    ['app@sha256:abc', 'not `[registry'],
    ['app@sha256:' + 'a'.repeat(40), '64 hexadecimal'],
    ['app:' + 'x'.repeat(129), 'not `[registry'],
    ['-app', 'not `[registry'],
    ['app:-1', 'not `[registry'],
    ['a'.repeat(256), 'longer than 255'],
  ] as const)
    t.match(imageProblem(bad), why, bad);
  t.end();
});

checkRuleDocs('image-reference', rule);
