/**
 * One line per error, as compilers print them so editors and terminals can jump to the spot:
 * `chains/web.yaml#2:14:13: spec.functions[0].type: unknown function type 'fw' (...)`
 * — file, `#` document (1-based), `:line:column` when known, the field path, the problem.
 * Without a file (chains from the store) the chain's resource name leads: `chains/web: ...`.
 */
import type { DocumentError } from './chain-document.js';

export function formatDocumentError(e: DocumentError): string {
  let where = e.file ?? (e.chain !== undefined ? `chains/${e.chain}` : '');
  if (e.document !== undefined) where += `#${e.document}`;
  if (e.line !== undefined) where += `:${e.line}:${e.column ?? 1}`;
  const parts = [where, e.field, e.description].filter((p) => p !== '');
  return parts.join(': ');
}

/** File order within one document or chain: by line, then column. */
export const byPosition = (a: DocumentError, b: DocumentError): number => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
