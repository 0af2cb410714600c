import type { RuleContext } from '@typescript-eslint/utils/ts-eslint';
import type { LoadDiagnostic, Stack } from '../../language/model.js';
import { report } from './create-rule.js';

/** Reports the loader's diagnostics that belong to one rule (schema, interpolation, swarm-ignored-key). */
export function reportDiagnostics<M extends string>(
  context: Readonly<RuleContext<M, readonly unknown[]>>,
  stack: Stack,
  rule: LoadDiagnostic['rule'],
  ids: readonly M[],
): void {
  for (const d of stack.diagnostics) {
    if (d.rule !== rule) continue;
    const id = d.messageId as M;
    if (!ids.includes(id)) throw new Error(`loader diagnostic ${rule}/${d.messageId} has no message`);
    report(context, d, id, d.data);
  }
}
