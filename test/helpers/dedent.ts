// Test inputs as literal blocks, so a `line:`/`column:` expectation can be checked by eye (as @eslint/markdown and
// @eslint/json write theirs):
//
//   code: yaml`
//     services:
//       db:
//         image: postgres
//   `,
//
// The first line break and the last line's indentation are dropped, the common indentation of the other lines is
// removed, and the text ends with one line break. The text is raw (a backslash stays a backslash, as YAML wants it),
// except \` and \${; interpolated values are inserted as they are (not re-indented).

/** The literal block without its common indentation. */
export function dedent(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.raw.map((s) => s.replace(/\\`/g, '`').replace(/\\\$/g, '$'));
  const marker = '\u0000';
  let text = raw.reduce((out, s, i) => out + s + (i < values.length ? `${marker}${String(i)}${marker}` : ''), '');
  text = text.replace(/^[ \t]*\n/, '').replace(/\n[ \t]*$/, '\n');
  const lines = text.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^[ ]*/.exec(l)?.[0].length ?? 0));
  text = lines.map((l) => l.slice(Math.min(indent, /^[ ]*/.exec(l)?.[0].length ?? 0))).join('\n');
  return text.replace(new RegExp(`${marker}(\\d+)${marker}`, 'g'), (_, i: string) => String(values[Number(i)]));
}

/** `dedent`, named for what the block holds. */
export const yaml = dedent;
export const json = dedent;
