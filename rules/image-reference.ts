import type { Span } from '../language/model.js';
import { createRule, report, textOf, visit } from './utils/create-rule.js';
import { nameList } from './utils/networks.js';
import { imageProblem } from './utils/image-reference.js';

export default createRule({
  name: 'image-reference',
  meta: {
    type: 'problem',
    docs: {
      description:
        'A service\'s `image`, after interpolation, must be a valid image reference (`[registry/]name[:tag][@digest]`): docker stack deploy refuses the stack ("invalid reference format") or the daemon refuses the service.',
      severity: 'error',
      recommended: true,
      checks: ['stack'],
      remediation:
        'Write the reference as `[registry[:port]/]name[:tag][@sha256:…]` in lower case. When it is built from variables, give them defaults (`${TAG:-latest}`) or make the deploy fail early on a missing one (`${TAG:?set TAG}`), so that an unset variable never leaves `app:` or `/app` behind.',
    },
    schema: [],
    defaultOptions: [],
    messages: {
      invalid:
        '{{service}}: `image` is not a valid image reference ({{why}}): docker stack deploy refuses it ("invalid reference format", or the daemon\'s "is not a valid repository/tag").',
      invalidInterpolated:
        '{{service}}: `image` `{{written}}` is not a valid image reference after interpolation ({{why}}; with the variables of this run): docker stack deploy refuses it ("invalid reference format").',
    },
  },
  create(context) {
    return visit({
      Stack(stack) {
        // An interpolation that fails (`${VAR?…}` unset, bad syntax) stops the deploy first: `interpolation` says so.
        const failed = stack.diagnostics.filter((d) => d.rule === 'interpolation' && d.messageId !== 'unset');
        // An image in an anchor merged into several services: one finding at the anchor, naming them all.
        const byValue = new Map<number, { at: Span; services: string[]; why: string }>();
        for (const service of stack.services) {
          if (service.image === undefined) continue; // `schema` reports a service without an image
          const why = imageProblem(service.image);
          if (why === undefined) continue;
          const at = service.at.image ?? service.at.name ?? service;
          if (failed.some((d) => d.range[0] < at.range[1] && at.range[0] < d.range[1])) continue;
          const found = byValue.get(at.range[0]);
          if (found) found.services.push(service.name);
          else byValue.set(at.range[0], { at, services: [service.name], why });
        }
        for (const { at, services, why } of byValue.values()) {
          const written = textOf(context, at).replace(/^(['"])(.*)\1$/s, '$2');
          const service = services.length === 1 ? `Service \`${services[0] ?? ''}\`` : `Services ${nameList(services)}`;
          if (written.includes('$')) report(context, at, 'invalidInterpolated', { service, why, written });
          else report(context, at, 'invalid', { service, why });
        }
      },
    });
  },
});
