/**
 * Placement constraints as swarmkit parses and matches them (manager/constraint/constraint.go): `key op value`
 * with op `==` or `!=` (the first found, `==` before `!=`), key and value trimmed, the key
 * `^[a-z_][a-z0-9\-_.]+$` and the value `^[a-z0-9:\-_\s.*()?+[\]\\^$|/]+$`, both case-insensitive.
 */
const KEY = /^[a-z_][a-z0-9\-_.]+$/i;
const VALUE = /^[a-z0-9:\-_\s.*()?+[\]\\^$|/]+$/i;

export type ParsedConstraint = { ok: true; key: string; operator: '==' | '!='; value: string } | { ok: false; error: string };

/** Parses one constraint; the error is swarmkit's own text (what the daemon answers). */
export function parseConstraint(expression: string): ParsedConstraint {
  for (const operator of ['==', '!='] as const) {
    const at = expression.indexOf(operator);
    if (at === -1) continue;
    const key = expression.slice(0, at).trim();
    if (!KEY.test(key)) return { ok: false, error: `key '${key}' is invalid` };
    const value = expression.slice(at + 2).trim();
    if (!VALUE.test(value)) return { ok: false, error: `value '${value}' is invalid` };
    return { ok: true, key, operator, value };
  }
  return { ok: false, error: 'constraint expected one operator from ==, !=' };
}

const FIXED_KEYS = ['node.id', 'node.hostname', 'node.ip', 'node.role', 'node.platform.os', 'node.platform.arch'];
const LABEL_PREFIXES = ['node.labels.', 'engine.labels.'];

/** Whether swarmkit knows the key (NodeMatches): any other key matches no node at all. */
export function knownConstraintKey(key: string): boolean {
  const k = key.toLowerCase();
  return FIXED_KEYS.includes(k) || LABEL_PREFIXES.some((p) => k.length > p.length && k.startsWith(p));
}

/** The known keys, for a near-miss suggestion. */
export const CONSTRAINT_KEYS: readonly string[] = [...FIXED_KEYS, 'node.labels.<name>', 'engine.labels.<name>'];
