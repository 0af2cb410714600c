import t from 'tap';
import { checkRuleDocs } from '../helpers/rule-docs.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/published-port-conflict.js';
import { isDocument, prepareDocument } from '../../engine/documents.js';
import { lintDocuments } from '../../engine/lint.js';

/** A stack with one service per entry: `name: ports block` (the block indented under `ports:`). */
const stack = (...services: [string, string][]): string =>
  `services:\n${services.map(([name, ports]) => `  ${name}:\n    image: nginx\n    ports:\n${ports}`).join('')}`;
const item = (s: string): string => `      - ${s}\n`;
const long = (target: number, published: number, mode = 'ingress', protocol = 'tcp'): string =>
  `      - target: ${String(target)}\n        published: ${String(published)}\n        protocol: ${protocol}\n        mode: ${mode}\n`;

/** A port of the run; `order` is the document's place in it (this one, docker-stack.yml, is at 1 where it has one). */
const runEntry = (port: number, service: string, document: string, protocol = 'tcp', order = document === 'docker-stack.yml' ? 1 : 0) => ({
  port,
  protocol,
  service,
  document,
  order,
  file: document,
  line: 7,
});

testRule('published-port-conflict', rule, {
  valid: [
    { name: 'different ports', code: stack(['web', item('"80:80"')], ['api', item('"8080:80"')]) },
    {
      name: 'one port number, two protocols, in one service and across services',
      code: stack(['dns', item('"53:53/tcp"') + item('"53:53/udp"')], ['other', item('"54:53/udp"')]),
    },
    { name: 'host mode in two services is left to the scheduler', code: stack(['a', long(80, 80, 'host')], ['b', long(81, 80, 'host')]) },
    { name: 'ports Docker chooses never conflict', code: stack(['a', item('"80"')], ['b', item('"80"') + item('"81"')]) },
    {
      name: 'items written identically are left to the schema rule',
      code: stack(['web', item('"80:80"') + item("'80:80'")]),
    },
    {
      name: 'a conflict with a later document of the run is reported there, once',
      code: stack(['web', item('"443:443"')]),
      run: { publishedPorts: [runEntry(443, 'web', 'docker-stack.yml'), runEntry(443, 'proxy', 'edge/stack.yml', 'tcp', 2)] },
    },
    {
      name: 'run entries of this same document are skipped',
      code: stack(['web', item('"80:80"')]),
      run: { publishedPorts: [runEntry(80, 'web', 'docker-stack.yml')] },
    },
    {
      name: 'run entries on another protocol',
      code: stack(['web', item('"80:80"')]),
      run: { publishedPorts: [runEntry(80, 'web', 'other.yml', 'udp')] },
    },
    {
      name: 'the cluster port of the service being redeployed (stack_web)',
      code: stack(['web', item('"80:80"')]),
      cluster: { publishedPorts: [{ port: 80, protocol: 'tcp', service: 'stack_web' }] },
    },
    {
      name: 'cluster ports elsewhere',
      code: stack(['web', item('"80:80"')]),
      cluster: {
        publishedPorts: [
          { port: 81, protocol: 'tcp', service: 'other_web' },
          { port: 80, protocol: 'udp', service: 'other_dns' },
        ],
      },
    },
  ],
  invalid: [
    {
      name: 'one service, one port twice (different targets)',
      code: stack(['web', item('"80:80"') + item('"80:8080"')]),
      errors: [{ messageId: 'duplicateInService', line: 6, column: 9, data: { service: 'web', port: '80/tcp' } }],
    },
    {
      name: 'one service, ingress and host on one port',
      code: stack(['web', item('"80:80"') + long(81, 80, 'host')]),
      errors: [{ messageId: 'duplicateInService', line: 6, column: 9, data: { service: 'web', port: '80/tcp' } }],
    },
    {
      name: 'one service, a range over a single port',
      code: stack(['web', item('"8000-8003:80"') + item('8002-8005:90')]),
      errors: [{ messageId: 'duplicateInService', line: 6, column: 9, data: { service: 'web', port: '8002-8003/tcp' } }],
    },
    {
      name: 'two services on the routing mesh',
      code: stack(['web', item('"80:80"')], ['api', item('"80:8080"')]),
      errors: [
        {
          messageId: 'conflictInStack',
          line: 9,
          column: 9,
          data: { service: 'api', port: '80/tcp', mode: 'ingress', other: 'web', file: 'docker-stack.yml', otherMode: 'ingress' },
        },
      ],
    },
    {
      name: 'ingress after host',
      code: stack(['web', long(80, 80, 'host')], ['api', item('"80:8080"')]),
      errors: [
        {
          messageId: 'conflictInStack',
          line: 12,
          column: 9,
          data: { service: 'api', port: '80/tcp', mode: 'ingress', other: 'web', file: 'docker-stack.yml', otherMode: 'host' },
        },
      ],
    },
    {
      name: 'host after ingress',
      code: stack(['web', item('"80:80"')], ['api', long(80, 80, 'host')]),
      errors: [
        {
          messageId: 'conflictInStack',
          line: 9,
          column: 9,
          data: { service: 'api', port: '80/tcp', mode: 'host', other: 'web', file: 'docker-stack.yml', otherMode: 'ingress' },
        },
      ],
    },
    {
      name: 'two host-mode services, then one on the mesh: it names the first',
      code: stack(['a', long(80, 80, 'host')], ['b', long(80, 80, 'host')], ['c', item('"80:80"')]),
      errors: [
        {
          messageId: 'conflictInStack',
          line: 19,
          column: 9,
          data: { service: 'c', port: '80/tcp', mode: 'ingress', other: 'a', file: 'docker-stack.yml', otherMode: 'host' },
        },
      ],
    },
    {
      name: 'overlapping ranges: one finding with the shared ports',
      code: stack(['a', item('"8000-8005:80"')], ['b', item('"8003-8010:8003-8010"')]),
      errors: [
        {
          messageId: 'conflictInStack',
          line: 9,
          column: 9,
          data: { service: 'b', port: '8003-8005/tcp', mode: 'ingress', other: 'a', file: 'docker-stack.yml', otherMode: 'ingress' },
        },
      ],
    },
    {
      name: 'one range against two services: one finding per service',
      code: stack(['a', item('"8000:80"')], ['b', item('"8002:80"')], ['c', item('"8000-8002:80"')]),
      errors: [
        {
          messageId: 'conflictInStack',
          line: 13,
          column: 9,
          data: { service: 'c', port: '8000/tcp', mode: 'ingress', other: 'a', file: 'docker-stack.yml', otherMode: 'ingress' },
        },
        {
          messageId: 'conflictInStack',
          line: 13,
          column: 9,
          data: { service: 'c', port: '8002/tcp', mode: 'ingress', other: 'b', file: 'docker-stack.yml', otherMode: 'ingress' },
        },
      ],
    },
    {
      name: 'another document of the run',
      code: stack(['web', item('"443:443"')]),
      run: { publishedPorts: [runEntry(80, 'web', 'docker-stack.yml'), runEntry(443, 'proxy', 'edge/stack.yml')] },
      errors: [
        {
          messageId: 'conflictInRun',
          line: 5,
          column: 9,
          data: { service: 'web', port: '443/tcp', other: 'proxy', file: 'edge/stack.yml' },
        },
      ],
    },
    {
      name: 'a host-mode port against another document (which publishes on the mesh)',
      code: stack(['web', long(443, 443, 'host')]),
      run: { publishedPorts: [runEntry(443, 'proxy', 'edge.yml')] },
      errors: [
        { messageId: 'conflictInRun', line: 5, column: 9, data: { service: 'web', port: '443/tcp', other: 'proxy', file: 'edge.yml' } },
      ],
    },
    {
      name: 'a port already published in the cluster, and a UDP one in upper case',
      code: stack(['web', item('"80:80"') + item('"53:53/udp"')]),
      cluster: {
        publishedPorts: [
          { port: 80, protocol: 'tcp', service: 'legacy_proxy' },
          { port: 53, protocol: 'UDP', service: 'infra_dns' },
        ],
      },
      errors: [
        { messageId: 'conflictInCluster', line: 5, column: 9, data: { service: 'web', port: '80/tcp', other: 'legacy_proxy' } },
        { messageId: 'conflictInCluster', line: 6, column: 9, data: { service: 'web', port: '53/udp', other: 'infra_dns' } },
      ],
    },
    {
      name: 'a cluster service of the same name in another stack: perhaps this one under another stack name',
      code: stack(['web', item('"80:80"')]),
      cluster: { publishedPorts: [{ port: 80, protocol: 'tcp', service: 'shop_web' }] },
      errors: [
        {
          messageId: 'conflictInClusterNamesake',
          line: 5,
          column: 9,
          data: { service: 'web', port: '80/tcp', other: 'shop_web', stack: 'shop', current: 'stack' },
        },
      ],
    },
    {
      name: 'a port taken in the stack and in the cluster: the stack conflict is reported',
      code: stack(['web', item('"80:80"')], ['api', item('"80:80"')]),
      cluster: { publishedPorts: [{ port: 80, protocol: 'tcp', service: 'legacy_proxy' }] },
      errors: [
        { messageId: 'conflictInCluster', line: 5, column: 9, data: { service: 'web', port: '80/tcp', other: 'legacy_proxy' } },
        { messageId: 'conflictInStack', line: 9, column: 9 },
      ],
    },
    {
      name: 'a port taken in another document and in the cluster: the document is named',
      code: stack(['web', item('"80:80"')]),
      run: { publishedPorts: [runEntry(80, 'proxy', 'edge.yml')] },
      cluster: { publishedPorts: [{ port: 80, protocol: 'tcp', service: 'edge_proxy' }] },
      errors: [{ messageId: 'conflictInRun', line: 5, column: 9 }],
    },
  ],
});

t.test('published-port-conflict: a merge set names the file of the other service', (t) => {
  const doc = prepareDocument([
    { path: 'base.yml', text: 'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n' },
    { path: 'extra.yml', text: 'services:\n  api:\n    image: nginx\n    ports: ["80:8080"]\n' },
  ]);
  if (!isDocument(doc)) throw new Error(doc.message);
  const { findings } = lintDocuments([doc], {
    rules: { 'published-port-conflict': { severity: 'error', options: [] } },
    builtins: { 'published-port-conflict': rule },
  });
  t.same(
    findings.map((f) => [f.file, f.line, f.ruleId]),
    [['extra.yml', 4, 'published-port-conflict']],
  );
  t.match(findings[0]?.message, /^Service `api` publishes 80\/tcp in ingress mode, and service `web` \(base\.yml\) publishes it/);
  t.end();
});

checkRuleDocs('published-port-conflict', rule);
