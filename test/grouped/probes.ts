// The probes' small tests in one test process (test/helpers/grouped.ts says why). The others (a replayed or fake
// engine, deadlines, the CLI) stay files of their own: they wait more than they compute.
import { runGroup } from '../helpers/grouped.js';

await runGroup('probes');
