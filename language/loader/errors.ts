/**
 * A document that cannot be read at all (not YAML, too large, too deep, binary). Reported as one line with the
 * file and position; the CLI exits 2 for it, as ESLint does for a fatal parse error.
 */
export class LoadError extends Error {
  override readonly name = 'LoadError';
  constructor(
    message: string,
    readonly file: string,
    /** 1-based line. */
    readonly line: number,
    /** 1-based column. */
    readonly column: number,
  ) {
    super(message);
  }

  /** `file:line:column: message` on one line, the form editors and CI logs link. */
  override toString(): string {
    return `${this.file}:${String(this.line)}:${String(this.column)}: ${this.message}`;
  }
}
