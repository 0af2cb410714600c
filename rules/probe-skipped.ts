import { createRule, report, visit } from './utils/create-rule.js';

export default createRule({
  name: 'probe-skipped',
  meta: {
    type: 'problem',
    docs: {
      description: 'Every fact a run could not gather is reported, so that a check that did not run never reads as a pass.',
      severity: 'error',
      recommended: true,
      checks: ['audit', 'preflight'],
      remediation:
        'Give the run what it needs: a manager and a reachable Engine API for the audit; root or CAP_NET_RAW for ICMP probes; `swarmlint preflight --listen` on the far host for UDP probes. Re-run, and compare with a saved facts document if it still fails.',
      messageSeverity: { skipped: 'warning' },
    },
    schema: [],
    defaultOptions: [],
    messages: {
      failed: 'Not checked: {{subject}} ({{probe}} failed: {{reason}}).',
      skipped: 'Not checked: {{subject}} ({{probe}} skipped: {{reason}}).',
    },
  },
  create(context) {
    return visit({
      ProbeOutcome(outcome) {
        if (outcome.status === 'ok') return;
        report(context, outcome, outcome.status === 'error' ? 'failed' : 'skipped', {
          subject: outcome.subject ?? outcome.probe,
          probe: outcome.probe,
          reason: outcome.reason ?? 'no reason given',
        });
      },
    });
  },
});
