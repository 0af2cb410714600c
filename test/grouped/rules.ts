// The rule tests (test/rules/*.ts) in one test process: test/helpers/grouped.ts says why.
import { runGroup } from '../helpers/grouped.js';

await runGroup('rules');
