// bench/audit-facts: the facts document bench/speed.ts and bench/json-reader.ts read: a saved audit's shape (nodes,
// networks with their addresses, services), 6.9 MB of JSON.

/** The document's text, the same on every call. */
export function auditFacts(): string {
  return JSON.stringify(
    {
      format: 'swarmlint-facts/1',
      kind: 'audit',
      nodes: Array.from({ length: 3000 }, (_, i) => ({
        id: `node${String(i).padStart(21, '0')}`,
        hostname: `node-${String(i)}`,
        role: 'worker',
        engineVersion: '28.2.2',
        addr: `10.0.${String(i >> 8)}.${String(i & 255)}`,
        availability: 'active',
        state: 'ready',
      })),
      networks: Array.from({ length: 3000 }, (_, i) => ({
        id: `net${String(i).padStart(22, '0')}`,
        name: `stack${String(i)}_default`,
        driver: 'overlay',
        scope: 'swarm',
        subnets: [`10.${String(1 + (i >> 8))}.${String(i & 255)}.0/24`],
        mtu: 1450,
        encrypted: i % 2 === 0,
        peers: Array.from({ length: 5 }, (_, p) => `10.0.0.${String(p)}`),
      })),
      services: Array.from({ length: 21_000 }, (_, i) => ({
        id: `svc${String(i).padStart(22, '0')}`,
        name: `stack${String(i % 1000)}_svc${String(i)}`,
        mode: 'replicated',
        replicas: 3,
        networks: [`stack${String(i % 1000)}_default`],
        ports: i % 10 === 0 ? [{ published: 8000 + i, target: 80, protocol: 'tcp', mode: 'ingress' }] : [],
        tasks: 3,
      })),
    },
    null,
    2,
  );
}
