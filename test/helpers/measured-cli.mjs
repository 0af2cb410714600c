// Runs the built CLI (dist/, what users run) in this process and, at exit, writes its wall time and peak RSS to
// $SWARMLINT_MEASURE_FILE: the figures of the process that did the work.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

const out = process.env.SWARMLINT_MEASURE_FILE;
const started = performance.now();
process.on('exit', (code) => {
  if (out) writeFileSync(out, JSON.stringify({ ms: performance.now() - started, maxRssKiB: process.resourceUsage().maxRSS, code }));
});
await import('../../dist/cli/main.js');
