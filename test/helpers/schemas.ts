// Ajv validators for the repo's JSON schemas (not a test file). The SARIF schema uses the formats `uri`,
// `uri-reference` and `date-time`; they are checked here by the rules of RFC 3986 and RFC 3339 that matter for
// our output (characters allowed in a URI, a scheme for an absolute URI), so a bad URI fails validation.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

const URI_CHARS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addFormat('uri', (s: string) => URI_CHARS.test(s) && SCHEME.test(s) && URL.canParse(s));
ajv.addFormat('uri-reference', (s: string) => URI_CHARS.test(s) && URL.canParse(s, 'file:///base/'));
ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/.test(s));

function load(name: string): ValidateFunction {
  return ajv.compile(JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8')) as object);
}

export const validateSarif = load('sarif-2.1.0.schema.json');
export const validateFindings = load('findings.schema.json');
export const validateConfig = load('config.schema.json');
export const validateGitlab = load('gitlab-codequality.schema.json');

/** Ajv's errors as one readable string, for assertion messages. */
export function errorsOf(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? e.keyword}`).join('; ');
}
