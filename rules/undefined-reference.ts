import { createRule, report, textOf, visit } from './utils/create-rule.js';

const TOP_LEVEL = { secret: 'secrets', config: 'configs', volume: 'volumes' } as const;

export default createRule({
  name: 'undefined-reference',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Every secret, config and named volume a service uses must be defined under the top-level `secrets`, `configs` or `volumes` of the stack: otherwise `docker stack deploy` stops with "undefined secret", "undefined config" or "undefined volume".',
      severity: 'error',
      recommended: true,
      checks: ['stack'],
      // depends_on is ignored by the deploy; a missing file may be written before the deploy (a secret kept out of git).
      messageSeverity: { unknownDependency: 'warning', missingFile: 'warning' },
      remediation:
        'Define it at the top level (`secrets: { db_password: { external: true } }`, `volumes: { data: {} }`), in this file or in another file of the merge set, or fix the name where the service uses it. A path (`./data:/data`) is a bind mount and needs no definition. Name only services of the stack in `depends_on`. Create the file a secret or config is read from before the deploy, at the path relative to the first stack file.',
    },
    schema: [],
    defaultOptions: [],
    messages: {
      unknownDependency:
        'Service `{{service}}` `depends_on` names `{{name}}`, which is no service of this stack: docker stack deploy ignores `depends_on` (swarm has no start order), so nothing fails, but the name is a typo or a service of another stack, and whatever waits for it is not ordered by it.',
      missingFile:
        '{{Kind}} `{{name}}` is read from `{{file}}`, which does not exist in this checkout (docker resolves it against the folder of the first stack file): docker stack deploy reads it before it creates anything and stops ("no such file or directory").',
      folderFile:
        '{{Kind}} `{{name}}` is read from `{{file}}`, which is a folder (docker resolves it against the folder of the first stack file; an empty value is that folder): docker stack deploy stops ("is a directory").',
      undefined:
        'Service `{{service}}` uses {{kind}} `{{name}}`, which is not defined under top-level `{{section}}`: docker stack deploy stops with "undefined {{kind}} \\"{{name}}\\"" and creates none of the services.',
    },
  },
  create(context) {
    return visit({
      Stack(stack) {
        const defined = stack.definitions;
        if (!defined) return;
        const names = new Set(stack.services.map((s) => s.name));
        for (const service of stack.services) {
          const named = new Set<string>();
          for (const ref of service.references)
            if (ref.via === 'depends_on' && !names.has(ref.target) && !named.has(ref.target)) {
              named.add(ref.target);
              report(context, ref, 'unknownDependency', { service: service.name, name: ref.target });
            }
        }
        for (const f of stack.fileObjects ?? [])
          if (f.problem)
            report(context, f, f.problem === 'missing' ? 'missingFile' : 'folderFile', {
              Kind: f.kind === 'secret' ? 'Secret' : 'Config',
              name: f.name,
              file: textOf(context, f),
            });
        for (const service of stack.services) {
          const seen = new Set<string>();
          for (const use of service.uses ?? []) {
            const key = `${use.kind}\u0000${use.name}`;
            if (defined[use.kind].includes(use.name) || seen.has(key)) continue;
            seen.add(key);
            report(context, use, 'undefined', { service: service.name, kind: use.kind, name: use.name, section: TOP_LEVEL[use.kind] });
          }
        }
      },
    });
  },
});
