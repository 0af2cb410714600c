import type { Facts, Service, Stack } from '../language/model.js';
import { createRule, report, visit } from './utils/create-rule.js';
import { describeNodes, isGlobal, nodeCountOf, pinnedNode, placeableTasks, serviceSpan, type NodeCount } from './utils/placement.js';

interface Options {
  /** Tasks one node may run before overlay networking becomes unreliable. */
  limit: number;
}

interface Largest {
  service: Service;
  tasks: number;
}

const larger = (a: Largest | undefined, b: Largest): Largest => (a && a.tasks >= b.tasks ? a : b);

const WHY =
  'with about 1000 containers on one host, overlay networking becomes unstable (a Linux bridge takes at most 1023 ports) and new containers cannot be reached';

export default createRule({
  name: 'container-density',
  meta: {
    type: 'problem',
    docs: {
      description: 'No node should have to run about 1000 tasks or more, and `max_replicas_per_node` must leave room for every replica.',
      severity: 'warning',
      recommended: true,
      checks: ['stack', 'audit'],
      remediation:
        'Spread the tasks over more nodes (add nodes, or cap them per node with `deploy.placement.max_replicas_per_node`), lower `replicas`, or split the work into fewer, larger tasks. Where `max_replicas_per_node` leaves replicas without a node, raise it, add nodes, or lower `replicas`.',
    },
    schema: [
      {
        type: 'object',
        properties: { limit: { type: 'integer', minimum: 1 } },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ limit: 1000 }] as [Options],
    messages: {
      tooMany: `The busiest of the {{nodes}} would run {{tasks}} tasks of this stack ({{replicated}} replicated tasks spread over the nodes, plus one per global service), above {{limit}}: ${WHY}. \`{{service}}\` asks for the most ({{serviceTasks}}).`,
      pinnedTooMany: `Node \`{{node}}\` would run {{tasks}} tasks of this stack (the services pinned to it by placement constraints, plus one per global service), above {{limit}}: ${WHY}.`,
      nodeTooMany: `Node \`{{node}}\` runs {{tasks}} tasks, above {{limit}}: ${WHY}.`,
      unschedulable:
        'Service `{{service}}` asks for {{replicas}} replicas but at most {{fit}} fit ({{perNode}} per node on {{nodes}}): the other {{pending}} stay pending ("no suitable node (max replicas per node limit exceed)").',
    },
  },
  create(context, [options]) {
    /** Replicas that `max_replicas_per_node` leaves without a node, when the eligible nodes are known. */
    const checkSchedulable = (service: Service, nodes: NodeCount): void => {
      const perNode = service.maxReplicasPerNode;
      const pinned = pinnedNode(service);
      if (perNode === undefined || isGlobal(service) || (pinned === undefined && !nodes.known)) return;
      const fit = placeableTasks(service, nodes.count);
      if (fit >= service.replicas) return;
      report(context, serviceSpan(service, 'maxReplicasPerNode'), 'unschedulable', {
        service: service.name,
        replicas: service.replicas,
        fit,
        perNode,
        nodes: pinned === undefined ? describeNodes(nodes) : `node \`${pinned}\`, where a placement constraint pins it`,
        pending: service.replicas - fit,
      });
    };

    const checkStack = (stack: Stack): void => {
      const nodes = nodeCountOf(context, stack);
      for (const service of stack.services) checkSchedulable(service, nodes);

      // One task per node for every global service that is not pinned; replicated tasks spread evenly.
      const globals = stack.services.filter((s) => isGlobal(s) && pinnedNode(s) === undefined).length;
      let replicated = 0;
      let top: Largest | undefined;
      const pinned = new Map<string, { tasks: number; top: Largest }>();
      for (const service of stack.services) {
        const tasks = placeableTasks(service, nodes.count);
        const node = pinnedNode(service);
        if (node === undefined) {
          if (!isGlobal(service)) replicated += tasks;
          top = larger(top, { service, tasks });
          continue;
        }
        const group = pinned.get(node);
        pinned.set(node, { tasks: (group?.tasks ?? 0) + tasks, top: larger(group?.top, { service, tasks }) });
      }

      // Unknown node count: only the pinned nodes can be judged.
      if (nodes.known && top) {
        const busiest = globals + Math.ceil(replicated / nodes.count);
        if (busiest > options.limit)
          report(context, serviceSpan(top.service, 'replicas'), 'tooMany', {
            nodes: describeNodes(nodes),
            tasks: busiest,
            replicated,
            limit: options.limit,
            service: top.service.name,
            serviceTasks: top.tasks,
          });
      }
      for (const [node, group] of pinned) {
        const tasks = globals + group.tasks;
        if (tasks > options.limit)
          report(context, serviceSpan(group.top.service, 'replicas'), 'pinnedTooMany', { node, tasks, limit: options.limit });
      }
    };

    /** An audit knows the tasks on each node, and which nodes can take more. */
    const checkFacts = (facts: Facts): void => {
      for (const node of facts.nodes) {
        if (node.tasks > options.limit)
          report(context, node, 'nodeTooMany', { node: node.hostname, tasks: node.tasks, limit: options.limit });
      }
      const nodes = nodeCountOf(context, facts);
      for (const service of facts.services) checkSchedulable(service, nodes);
    };

    return visit({ 'Stack:exit': checkStack, 'Facts:exit': checkFacts });
  },
});
