import type { PortBinding, PublishMode, Span } from '../language/model.js';
import { createRule, report, visit } from './utils/create-rule.js';
import { fileAt, formatPorts, specText } from './utils/ports.js';
import { clusterOf, documentOf, settingsOf } from '../language/settings.js';

type MessageId = 'duplicateInService' | 'conflictInStack' | 'conflictInRun' | 'conflictInCluster' | 'conflictInClusterNamesake';

/** A published port held by a service of this document. */
interface Claim {
  service: string;
  mode: PublishMode;
  file: string;
}

/** Findings gathered per port item, so that a range spec gives one finding per other service. */
interface Pending {
  at: Span;
  messageId: MessageId;
  data: Record<string, string>;
  protocol: string;
  ports: number[];
}

export default createRule({
  name: 'published-port-conflict',
  meta: {
    type: 'problem',
    docs: {
      description:
        'A published port can be held by one service only: twice in one service, twice on the routing mesh, or on the routing mesh and in host mode, and swarmkit refuses the service.',
      severity: 'error',
      recommended: true,
      checks: ['stack'],
      remediation:
        'Give each service its own published port (or drop `published` and let Docker choose one), or route several services through one published port with a reverse proxy. Ports published in host mode by several services are allowed, but never on the routing mesh at the same time.',
    },
    schema: [],
    defaultOptions: [],
    messages: {
      duplicateInService:
        'Service `{{service}}` publishes {{port}} more than once: swarmkit refuses the whole service ("duplicate published ports provided"), whatever the publish modes, so it is never created.',
      conflictInStack:
        'Service `{{service}}` publishes {{port}} in {{mode}} mode, and service `{{other}}` ({{file}}) publishes it in {{otherMode}} mode: the routing mesh holds the port on every node, so whichever of the two is created second is refused ("port … is already in use by service …").',
      conflictInRun:
        'Service `{{service}}` publishes {{port}}, which service `{{other}}` of the stack in {{file}} (linted in the same run) publishes in ingress mode: the routing mesh holds the port on every node, so whichever stack is deployed second has this service refused ("port … is already in use by service …").',
      conflictInCluster:
        'Service `{{service}}` publishes {{port}}, which service `{{other}}` already publishes in ingress mode in the cluster: swarmkit refuses this service ("port … is already in use by service …") until `{{other}}` releases the port.',
      conflictInClusterNamesake:
        'Service `{{service}}` publishes {{port}}, which service `{{other}}` already publishes in ingress mode in the cluster. If that is this service, deployed as stack `{{stack}}`, set `stackName: {{stack}}` in the config (this file is linted as stack `{{current}}`); if not, swarmkit refuses this service ("port … is already in use by service …").',
    },
  },
  create(context) {
    const { run } = settingsOf(context);
    const document = documentOf(context);
    const clusterPorts = clusterOf(context).publishedPorts ?? [];
    const mine = run?.publishedPorts.find((p) => p.document === document)?.order;
    const text = context.sourceCode.text;
    return visit({
      Stack(stack) {
        const claims = new Map<string, Claim[]>();
        const pending = new Map<string, Pending>();
        const add = (binding: PortBinding, port: number, messageId: MessageId, data: Record<string, string>): void => {
          const key = [binding.range[0], messageId, ...Object.values(data)].join('\u0000');
          const found = pending.get(key);
          if (found) found.ports.push(port);
          else pending.set(key, { at: binding, messageId, data, protocol: binding.protocol, ports: [port] });
        };

        for (const service of stack.services) {
          const own = new Map<string, PortBinding>();
          for (const binding of service.ports) {
            const port = binding.published;
            if (!port) continue;
            const key = `${String(port)}/${binding.protocol}`;
            const first = own.get(key);
            if (first) {
              // Items written identically are the schema's "duplicate items"; reported there, not twice.
              if (specText(text, first) !== specText(text, binding)) add(binding, port, 'duplicateInService', { service: service.name });
              continue;
            }
            own.set(key, binding);

            const other = claims.get(key)?.find((c) => c.mode === 'ingress' || binding.mode === 'ingress');
            if (other) {
              add(binding, port, 'conflictInStack', {
                service: service.name,
                mode: binding.mode,
                other: other.service,
                file: other.file,
                otherMode: other.mode,
              });
              continue;
            }
            // One finding per conflict between two documents: in the later one (or in this one, when it holds
            // the port in host mode only and so is not in the run's list).
            const elsewhere = run?.publishedPorts.find(
              (p) =>
                p.document !== document &&
                p.port === port &&
                p.protocol.toLowerCase() === binding.protocol &&
                (mine === undefined || p.order < mine),
            );
            if (elsewhere) {
              add(binding, port, 'conflictInRun', { service: service.name, other: elsewhere.service, file: elsewhere.file });
              continue;
            }
            const redeployed = `${stack.name}_${service.name}`;
            const inCluster = clusterPorts.find(
              (p) => p.port === port && p.protocol.toLowerCase() === binding.protocol && p.service !== redeployed,
            );
            if (!inCluster) continue;
            // `<stack>_<service>`: perhaps this very service, deployed under a stack name the linter was not told.
            const namesake = inCluster.service.endsWith(`_${service.name}`);
            if (namesake) {
              add(binding, port, 'conflictInClusterNamesake', {
                service: service.name,
                other: inCluster.service,
                stack: inCluster.service.slice(0, -service.name.length - 1),
                current: stack.name,
              });
            } else add(binding, port, 'conflictInCluster', { service: service.name, other: inCluster.service });
          }
          for (const [key, binding] of own) {
            const list = claims.get(key) ?? [];
            list.push({ service: service.name, mode: binding.mode, file: fileAt(stack, binding.range[0]) });
            claims.set(key, list);
          }
        }

        for (const p of pending.values()) report(context, p.at, p.messageId, { ...p.data, port: formatPorts(p.ports, p.protocol) });
      },
    });
  },
});
