import type { File, FileError, Language, OkParseResult, ParseResult } from '@eslint/core';
import { LoadError } from './loader/errors.js';
import { visitorKeys, type Root } from './model.js';
import { SwarmlintSourceCode } from './source-code.js';

export type DocumentKind = 'stack' | 'facts';

/** Turns a document's text into its model (for ESLint users who lint files through the plugin). */
export type TextLoader = (text: string, path: string) => Root;

type SwarmlintLanguage = Language<{
  LangOptions: Record<string, unknown>;
  Code: SwarmlintSourceCode;
  RootNode: Root;
  Node: Root;
}>;

/**
 * An ESLint language (`swarmlint/stack` or `swarmlint/facts`). The CLI loads documents itself (merge sets,
 * interpolation, schema) and hands the finished model over in `preloaded`, keyed by the virtual file name it
 * passes to `Linter#verify`; ESLint users who lint single files get them loaded from the text by `load`.
 */
export function createLanguage(load: TextLoader, preloaded?: ReadonlyMap<string, Root>): SwarmlintLanguage {
  return {
    fileType: 'text',
    lineStart: 1,
    columnStart: 0,
    nodeTypeKey: 'type',
    visitorKeys,
    validateLanguageOptions(): void {
      // No language options.
    },
    parse(file: File): ParseResult<Root> {
      const ready = preloaded?.get(file.path);
      if (ready) return { ok: true, ast: ready };
      try {
        return { ok: true, ast: load(String(file.body), file.path) };
      } catch (error) {
        if (error instanceof LoadError) {
          const problem: FileError = { message: error.message, line: error.line, column: error.column };
          return { ok: false, errors: [problem] };
        }
        throw error;
      }
    },
    createSourceCode(file: File, input: OkParseResult<Root>): SwarmlintSourceCode {
      return new SwarmlintSourceCode(String(file.body), input.ast);
    },
  };
}
