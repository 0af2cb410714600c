#!/usr/bin/env node
// swarmlint: lint stack files, pre-flight a join, audit a cluster. Exit codes as ESLint: 0, 1, 2. The commands are
// in cli/run.ts (tests run them in their own process); this file gives them the process's streams.
import module from 'node:module';
import { processIo } from './io.js';
import { main } from './run.js';

// Node's on-disk compile cache (Node 22.1 and later; absent in Node 20, where this does nothing): the modules a
// command loads (all but these first few) are compiled from the cache on the next run.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

process.exitCode = await main(process.argv.slice(2), processIo());
