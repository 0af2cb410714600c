/** Reporters by `--format` name. */
import { github } from './github.js';
import { gitlab } from './gitlab.js';
import { html } from './html/index.js';
import { json } from './json.js';
import { prometheus } from './prometheus.js';
import { sarif } from './sarif.js';
import { stylish } from './stylish.js';
import type { Reporter } from './types.js';

export const reporters: Readonly<Record<string, Reporter>> = { github, gitlab, html, json, prometheus, sarif, stylish };

export type { Reporter, ReportContext, ReportDocument, RuleDescriptor } from './types.js';
