import { checkRuleDocs } from '../helpers/rule-docs.js';
import { yaml } from '../helpers/dedent.js';
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
        {
          messageId: 'unset',
          line: 3,
          column: 12,
          data: { path: 'services.web.image', variable: 'SWARMLINT_TEST_UNSET_TAG', detail: '', also: '' },
        },
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
          data: { path: 'services.web.image', variable: 'SWARMLINT_TEST_UNSET_TAG', detail: 'set the tag', also: '' },
        },
      ],
    },
    {
      name: 'one finding per variable, at its first use, listing the other places (an anchor counts once per service)',
      code: yaml`
        x-env: &env
          DB_PASSWORD: \${SWARMLINT_TEST_UNSET_PW}
        services:
          api:
            image: "example/api:\${SWARMLINT_TEST_UNSET_TAG}"
            environment: *env
          worker:
            image: "example/worker:\${SWARMLINT_TEST_UNSET_TAG}"
            environment: *env
      `,
      errors: [
        {
          messageId: 'unset',
          line: 2,
          column: 16,
          data: {
            path: 'x-env.DB_PASSWORD',
            variable: 'SWARMLINT_TEST_UNSET_PW',
            detail: '',
            also: '; also used in `services.api.environment.DB_PASSWORD`, `services.worker.environment.DB_PASSWORD`',
          },
        },
        {
          messageId: 'unset',
          line: 5,
          column: 12,
          data: {
            path: 'services.api.image',
            variable: 'SWARMLINT_TEST_UNSET_TAG',
            detail: '',
            also: '; also used in `services.worker.image`',
          },
        },
      ],
    },
    {
      name: 'only in labels and commands: the info message',
      code: yaml`
        services:
          web:
            image: nginx
            command: ["--host", "\${SWARMLINT_TEST_UNSET_HOST}"]
            deploy:
              labels:
                traefik.http.routers.web.rule: Host(\`\${SWARMLINT_TEST_UNSET_HOST}\`)
      `,
      errors: [{ messageId: 'unsetMinor', line: 4, column: 25 }],
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
