import { readFileSync } from 'node:fs';
import type { LoadOptions, OptionProblem } from './load-options.js';

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

/**
 * The TLS files that cannot be read, as problems of the options "tls.caFile" and so on; checked apart
 * from validation, which looks at values only (and so works where the files are not).
 */
export function unreadableTlsFiles(tls: LoadOptions['tls']): OptionProblem[] {
  const files = { caFile: tls?.caFile, certFile: tls?.certFile, keyFile: tls?.keyFile };
  return Object.entries(files).flatMap(([key, path]) => {
    if (path === undefined) return [];
    try {
      readFileSync(path);
      return [];
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      return [{ option: `tls.${key}`, message: `cannot read ${path}: ${READ_ERRORS[code] ?? code}` }];
    }
  });
}
