import { createRule, report, visit } from './utils/create-rule.js';
import { compareVersions, parseEngineVersion, versionGap, type EngineVersion } from './utils/version.js';
import type { SwarmNode } from '../language/model.js';

export default createRule({
  name: 'engine-version-parity',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Every node of a swarm should run the same Docker Engine release as its managers: overlay, ingress and load-balancing behaviour changes between releases.',
      severity: 'error',
      recommended: true,
      checks: ['audit', 'preflight'],
      remediation:
        'Upgrade the managers first, one at a time, then the workers, until every node runs the same release. Recreate the ingress network only once all nodes match.',
      messageSeverity: { patch: 'warning', hostPatch: 'warning' },
    },
    schema: [],
    defaultOptions: [],
    messages: {
      release:
        'Node `{{node}}` runs Docker Engine {{version}}, but the reference manager `{{reference}}` runs {{referenceVersion}}: different releases handle the routing mesh and overlays differently, and some API calls fail ("Unimplemented").',
      patch:
        'Node `{{node}}` runs Docker Engine {{version}}, while the reference manager `{{reference}}` runs {{referenceVersion}}: same release, different patch level.',
      unknown: 'Node `{{node}}` reports no engine version that can be compared (`{{version}}`).',
      hostRelease:
        'This host (`{{node}}`) runs Docker Engine {{version}}, but the reference manager `{{reference}}` runs {{referenceVersion}}: joining would mix releases, which handle the routing mesh and overlays differently, and some API calls fail ("Unimplemented").',
      hostUnknown: 'This host (`{{node}}`) reports no engine version that can be compared (`{{version}}`).',
      hostPatch:
        'This host (`{{node}}`) runs Docker Engine {{version}}, while the reference manager `{{reference}}` runs {{referenceVersion}}: same release, different patch level.',
    },
  },
  create(context) {
    return visit({
      Facts(facts) {
        const versioned = facts.nodes.map((node) => ({ node, version: parseEngineVersion(node.engineVersion) }));
        // The reference: the leader if known, else the newest manager, else the newest node.
        const managers = versioned.filter(
          (v): v is { node: SwarmNode; version: EngineVersion } => v.version !== undefined && v.node.role === 'manager',
        );
        const candidates =
          managers.length > 0
            ? managers
            : versioned.filter((v): v is { node: SwarmNode; version: EngineVersion } => v.version !== undefined);
        const reference = candidates.find((v) => v.node.leader) ?? [...candidates].sort((a, b) => compareVersions(b.version, a.version))[0];
        if (!reference) return;
        // Preflight: this host's engine, before it joins (once joined, it is one of the nodes above).
        const host = facts.host;
        if (host?.engine && !facts.nodes.some((n) => n.hostname === host.hostname)) {
          const version = parseEngineVersion(host.engine.version);
          const data = {
            node: host.hostname,
            version: host.engine.version,
            reference: reference.node.hostname,
            referenceVersion: reference.version.text,
          };
          if (!version) report(context, host, 'hostUnknown', data);
          else {
            const gap = versionGap(version, reference.version);
            if (gap !== 'same') report(context, host, gap === 'release' ? 'hostRelease' : 'hostPatch', data);
          }
        }
        for (const { node, version } of versioned) {
          if (node === reference.node) continue;
          const data = {
            node: node.hostname,
            version: node.engineVersion,
            reference: reference.node.hostname,
            referenceVersion: reference.version.text,
          };
          if (!version) {
            report(context, node, 'unknown', data);
            continue;
          }
          const gap = versionGap(version, reference.version);
          if (gap !== 'same') report(context, node, gap, data);
        }
      },
    });
  },
});
