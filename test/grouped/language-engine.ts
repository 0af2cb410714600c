// The loader's and the engine's tests (test/language/*.ts, test/engine/*.ts) in one test process:
// test/helpers/grouped.ts says why.
import { runGroup } from '../helpers/grouped.js';

await runGroup('language-engine');
