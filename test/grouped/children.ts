// Files that start a few child processes each, in one test process: test/helpers/grouped.ts says why.
import { runGroup } from '../helpers/grouped.js';

await runGroup('children');
