// Runs ESLint's RuleTester cases as tap subtests (imported by rule tests; not a test file itself).
import t from 'tap';
import { RuleTester } from '../../engine/rule-tester.js';

type Tap = Pick<typeof t, 'test'>;
const parents: Tap[] = [t];
const current = (): Tap => parents[parents.length - 1] ?? t;

RuleTester.describe = (name: string, fn: () => void): void => {
  void current().test(name, (tt) => {
    parents.push(tt);
    try {
      fn();
    } finally {
      parents.pop();
    }
    tt.end();
  });
};
RuleTester.it = (name: string, fn: () => void): void => {
  void current().test(name.split('\n')[0] ?? name, (tt) => {
    fn();
    tt.pass('as expected');
    tt.end();
  });
};
RuleTester.itOnly = RuleTester.it;

export { testRule } from '../../engine/rule-tester.js';
