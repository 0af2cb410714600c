import { checkRuleDocs } from '../helpers/rule-docs.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/interpolation.js';

// The rule tester loads files with the process environment; these names are never set.
testRule('interpolation', rule, {
  valid: [
    'services:\n  web:\n    image: "nginx:${SWARMLINT_TEST_UNSET_TAG:-1.27}"\n',
    'services:\n  web:\n    image: nginx\n    command: ["sh", "-c", "echo $$HOME"]\n',
    { name: 'a hard default', code: 'services:\n  web:\n    image: "nginx:${SWARMLINT_TEST_UNSET-1.27}"\n' },
  ],
  invalid: [
    {
      name: 'an unset variable without default',
      code: 'services:\n  web:\n    image: "nginx:${SWARMLINT_TEST_UNSET_TAG}"\n',
      errors: [
        { messageId: 'unset', line: 3, column: 12, data: { path: 'services.web.image', variable: 'SWARMLINT_TEST_UNSET_TAG', detail: '' } },
      ],
    },
    {
      name: 'a required variable',
      code: 'services:\n  web:\n    image: "nginx:${SWARMLINT_TEST_UNSET_TAG:?set the tag}"\n',
      errors: [
        {
          messageId: 'required',
          line: 3,
          column: 12,
          data: { path: 'services.web.image', variable: 'SWARMLINT_TEST_UNSET_TAG', detail: 'set the tag' },
        },
      ],
    },
    {
      name: 'an unsupported modifier',
      code: 'services:\n  web:\n    image: nginx\n    command: ["echo", "${HOME:+x}"]\n',
      errors: [{ messageId: 'invalid', line: 4, column: 23 }],
    },
    {
      name: 'a value that does not cast',
      code: 'services:\n  web:\n    image: nginx\n    deploy:\n      replicas: ${SWARMLINT_TEST_UNSET_N:-two}\n',
      errors: [{ messageId: 'cast', line: 5, column: 17 }],
    },
  ],
});

checkRuleDocs('interpolation', rule);
