import type { PortBinding } from '../language/model.js';
import { createRule, report, visit } from './utils/create-rule.js';
import { specText } from './utils/ports.js';

/** How the item sits in its sequence: `- item` (block) or `[item, …]` (flow); undefined when unclear. */
function sequenceStyle(text: string, start: number): 'block' | 'flow' | undefined {
  let i = start - 1;
  while (text.charAt(i) === ' ') i--;
  if (text.charAt(i) === '-') return /[ \n]/.test(text.charAt(i - 1)) ? 'block' : undefined;
  while (/\s/.test(text.charAt(i))) i--;
  return text.charAt(i) === '[' || text.charAt(i) === ',' ? 'flow' : undefined;
}

/** The line break a new line at this position should use: the one of its own line (or the line before). */
function lineBreakAt(text: string, lineStart: number, newline: number): string {
  const cr = newline === -1 ? text.charAt(lineStart - 2) : text.charAt(newline - 1);
  return cr === '\r' ? '\r\n' : '\n';
}

/** The long syntax's fields for a one-port short spec, in the order the docs write them. */
function longFields(binding: PortBinding): string[] {
  return [
    `target: ${String(binding.target)}`,
    ...(binding.published ? [`published: ${String(binding.published)}`] : []),
    `protocol: ${binding.protocol}`,
    `mode: ${binding.mode}`,
  ];
}

/** Host IPs that mean "every interface", so dropping them changes nothing. */
const UNSPECIFIED = new Set(['0.0.0.0', '::']);

export default createRule({
  name: 'prefer-long-port-syntax',
  meta: {
    type: 'suggestion',
    fixable: 'code',
    docs: {
      description:
        'Write published ports in the long syntax (`target`, `published`, `protocol`, `mode`): it says what each number is and is the only way to publish in host mode.',
      severity: 'suggestion',
      recommended: false,
      checks: ['stack'],
      remediation:
        'Rewrite `- "8080:80"` as a mapping with `target: 80`, `published: 8080`, `protocol: tcp` and `mode: ingress` (`--fix` does it for single ports). Write a port range as one entry per port, and drop a host IP: `docker stack deploy` ignores it.',
    },
    schema: [],
    defaultOptions: [],
    messages: {
      shortSyntax:
        'Port `{{spec}}` of service `{{service}}` uses the short syntax: the long syntax names the target and published ports, the protocol and the publish mode, and is the only way to publish in host mode.',
      shortRange:
        'Port range `{{spec}}` of service `{{service}}` uses the short syntax; the long syntax needs one entry per port ({{count}} here), so it is not rewritten automatically.',
      shortHostIp:
        'Port `{{spec}}` of service `{{service}}` names host IP {{ip}}, which `docker stack deploy` ignores ("ignoring IP-address"): the port is published on all interfaces of every node. The long syntax has no place for an IP, so it is not rewritten automatically; to keep a port off public interfaces, publish it in host mode and filter it with a firewall.',
      shortInterpolated:
        'Port `{{spec}}` of service `{{service}}` uses the short syntax with variables; rewrite it in the long syntax by hand so that the variables are kept.',
    },
  },
  create(context) {
    const text = context.sourceCode.text;
    const seen = new Set<number>();
    return visit({
      Service({ name: service, ports }) {
        for (const binding of ports) check(service, binding);
      },
    });

    function check(service: string, binding: PortBinding): void {
      // A range is one item with several bindings; an alias repeats an item: one finding per written item.
      if (binding.syntax !== 'short' || seen.has(binding.range[0])) return;
      seen.add(binding.range[0]);
      const spec = specText(text, binding);
      if (binding.specCount > 1) {
        report(context, binding, 'shortRange', { spec, service, count: binding.specCount });
        return;
      }
      if (binding.hostIp && !UNSPECIFIED.has(binding.hostIp)) {
        report(context, binding, 'shortHostIp', { spec, service, ip: binding.hostIp });
        return;
      }
      if (spec.includes('$')) {
        report(context, binding, 'shortInterpolated', { spec, service });
        return;
      }
      const style = sequenceStyle(text, binding.range[0]);
      const [start, end] = binding.range;
      const lineStart = text.lastIndexOf('\n', start - 1) + 1;
      const newline = text.indexOf('\n', end);
      const lineEnd = newline === -1 ? text.length : newline;
      const eol = lineBreakAt(text, lineStart, newline);
      const rest = text.slice(end, lineEnd).replace(/\r$/, '');
      const fields = longFields(binding);
      let fix: Parameters<typeof report>[4];
      if (style === 'flow') {
        fix = (fixer) => fixer.replaceTextRange([start, end], `{${fields.join(', ')}}`);
      } else if (style === 'block') {
        // The mapping's keys line up under the first one; what follows the item on its line (spaces, a comment)
        // stays on the first line.
        const indent = ' '.repeat(start - lineStart);
        const [first, ...others] = fields;
        const replacement = `${String(first)}${rest}${others.map((f) => `${eol}${indent}${f}`).join('')}`;
        fix = (fixer) => fixer.replaceTextRange([start, end + rest.length], replacement);
      }
      report(context, binding, 'shortSyntax', { spec, service }, fix);
    }
  },
});
