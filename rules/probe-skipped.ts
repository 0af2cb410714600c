import type { MeshNode } from '../language/model.js';
import { createRule, report, visit } from './utils/create-rule.js';

/** A node's deep-audit tasks in words: `plain: failed (image not found); host: complete`. */
function taskWords(node: MeshNode): string {
  const parts = (['plain', 'encrypted', 'host'] as const).flatMap((kind) => {
    const task = node.tasks[kind];
    if (!task) return [];
    const why = task.error ?? task.message;
    return [`${kind}: ${task.state}${why ? ` (${why})` : ''}`];
  });
  return parts.length > 0 ? parts.join('; ') : 'no task was seen on it';
}

const FAILED_STATES = new Set(['failed', 'rejected', 'orphaned', 'shutdown', 'remove']);

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
      messageSeverity: { skipped: 'warning', meshSkipped: 'warning' },
    },
    schema: [],
    defaultOptions: [],
    messages: {
      meshSkipped: 'Node `{{node}}` was not tested by the deep audit: {{reason}}. Its pairs with the other nodes are not checked.',
      meshNotRun:
        'Node `{{node}}` was not tested by the deep audit: its tasks gave no result ({{tasks}}). Its pairs with the other nodes are not checked.',
      meshTask:
        "Node `{{node}}`'s {{kind}} task of the deep audit ended {{state}}{{why}}: what it would have tested from that node is not checked.",
      failed: 'Not checked: {{subject}} ({{probe}} failed: {{reason}}).',
      skipped: 'Not checked: {{subject}} ({{probe}} skipped: {{reason}}).',
    },
  },
  create(context) {
    return visit({
      MeshNode(node) {
        if (!node.ran) {
          if (node.reason) report(context, node, 'meshSkipped', { node: node.hostname, reason: node.reason });
          else report(context, node, 'meshNotRun', { node: node.hostname, tasks: taskWords(node) });
          return;
        }
        for (const kind of ['plain', 'encrypted', 'host'] as const) {
          const task = node.tasks[kind];
          if (!task || task.reported || !FAILED_STATES.has(task.state)) continue;
          const why = task.error ?? task.message;
          report(context, node, 'meshTask', { node: node.hostname, kind, state: task.state, why: why ? ` (${why})` : '' });
        }
      },
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
