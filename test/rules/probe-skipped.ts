import { checkRuleDocs } from '../helpers/rule-docs.js';
import { factsDoc, objectLine } from '../helpers/facts.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/probe-skipped.js';

const doc = factsDoc({
  outcomes: [
    { probe: 'engine-api/nodes', status: 'ok' },
    { probe: 'engine-api/tasks', status: 'error', reason: 'timed out', subject: 'tasks' },
    { probe: 'icmp/10.0.0.2', status: 'skipped', reason: 'not root and no CAP_NET_RAW' },
  ],
});

testRule(
  'probe-skipped',
  rule,
  {
    valid: [factsDoc({ outcomes: [{ probe: 'engine-api/nodes', status: 'ok' }] })],
    invalid: [
      {
        code: doc,
        errors: [
          {
            messageId: 'failed',
            line: objectLine(doc, '"probe": "engine-api/tasks"'),
            data: { subject: 'tasks', probe: 'engine-api/tasks', reason: 'timed out' },
          },
          {
            messageId: 'skipped',
            line: objectLine(doc, '"probe": "icmp/10.0.0.2"'),
            data: { subject: 'icmp/10.0.0.2', probe: 'icmp/10.0.0.2', reason: 'not root and no CAP_NET_RAW' },
          },
        ],
      },
    ],
  },
  'facts',
);

checkRuleDocs('probe-skipped', rule);
