// CLI tests that run the CLI in this process, in one test process: test/helpers/grouped.ts says why.
import { runGroup } from '../helpers/grouped.js';

await runGroup('cli-1');
