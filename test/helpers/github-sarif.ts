// What GitHub code scanning requires of an uploaded SARIF log beyond the 2.1.0 schema, as a list of problems ([] when
// it would be accepted and shown in full). From GitHub's documentation ("SARIF support for code scanning": one
// location per result, file paths relative to the repository; "results exceed limit": the hard and display limits;
// "file too large": 10 MB) and the GitHub rules of microsoft/sarif-sdk's validator (GH1001: every result location has
// `physicalLocation.artifactLocation.uri`; GH1003: a `region` with `startLine`; GH1005: URIs relative, or file paths).

interface SarifLike {
  version?: string;
  runs?: {
    tool?: { driver?: { name?: string; rules?: { id?: string; properties?: { tags?: unknown[] } }[] }; extensions?: unknown[] };
    originalUriBaseIds?: Record<string, unknown>;
    artifacts?: { location?: { uri?: string } }[];
    results?: {
      ruleId?: string;
      message?: { text?: string };
      partialFingerprints?: Record<string, string>;
      locations?: {
        physicalLocation?: { artifactLocation?: { uri?: string; uriBaseId?: string }; region?: { startLine?: number } };
      }[];
    }[];
  }[];
}

/** A URI GitHub can match to a file of the repository: relative, no scheme, no leading slash. */
const relativeUri = (uri: string): boolean => !/^[a-z][a-z0-9+.-]*:/i.test(uri) && !uri.startsWith('/') && !uri.startsWith('\\');

export function githubProblems(log: SarifLike, text = JSON.stringify(log)): string[] {
  const problems: string[] = [];
  if (Buffer.byteLength(text) > 10_000_000) problems.push(`${String(Buffer.byteLength(text))} bytes: over the 10 MB upload limit`);
  if (log.version !== '2.1.0') problems.push(`version ${String(log.version)}: code scanning reads 2.1.0 only`);
  const runs = log.runs ?? [];
  if (runs.length > 20) problems.push(`${String(runs.length)} runs: over 20`);
  runs.forEach((run, r) => {
    const at = `runs[${String(r)}]`;
    if (!run.tool?.driver?.name) problems.push(`${at}: no tool.driver.name`);
    const rules = run.tool?.driver?.rules ?? [];
    if (rules.length > 25_000) problems.push(`${at}: ${String(rules.length)} rules: over 25,000`);
    if ((run.tool?.extensions ?? []).length > 100) problems.push(`${at}: over 100 tool extensions`);
    for (const rule of rules)
      if ((rule.properties?.tags ?? []).length > 10) problems.push(`${at}: rule ${String(rule.id)}: over 10 tags (only 10 are shown)`);
    const results = run.results ?? [];
    if (results.length > 5_000) problems.push(`${at}: ${String(results.length)} results: only 5,000 are kept (25,000 accepted)`);
    results.forEach((result, i) => {
      const where = `${at}.results[${String(i)}] (${String(result.ruleId)})`;
      if (!result.ruleId) problems.push(`${where}: no ruleId`);
      if (!result.message?.text) problems.push(`${where}: no message.text`);
      if (!result.partialFingerprints || Object.keys(result.partialFingerprints).length === 0)
        problems.push(`${where}: no partialFingerprints (alerts would not follow the result across runs)`);
      const locations = result.locations ?? [];
      if (locations.length !== 1) problems.push(`${where}: ${String(locations.length)} locations: code scanning needs exactly one`);
      for (const location of locations) {
        const uri = location.physicalLocation?.artifactLocation?.uri;
        const base = location.physicalLocation?.artifactLocation?.uriBaseId;
        if (!location.physicalLocation) problems.push(`${where}: no physicalLocation (logical locations only are rejected)`);
        else if (!uri) problems.push(`${where}: no physicalLocation.artifactLocation.uri`);
        else if (!relativeUri(uri)) problems.push(`${where}: ${uri} is not relative to the repository`);
        if (base !== undefined && !run.originalUriBaseIds?.[base]) problems.push(`${where}: uriBaseId ${base} is not declared`);
        const startLine = location.physicalLocation?.region?.startLine;
        if (!Number.isInteger(startLine) || (startLine ?? 0) < 1) problems.push(`${where}: no region.startLine`);
      }
    });
  });
  return problems;
}
