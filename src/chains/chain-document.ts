/**
 * Types of chain documents: the envelope constants, what parsing returns, and its errors.
 * A document maps one to one onto the model's ChainDeclaration (name, labels, spec).
 */
import type { FieldViolation } from '../common/errors.js';
import type { ChainDeclaration } from '../model/chain.js';

export const API_VERSION = 'srv6-sfc/v1alpha1';
export const KIND = 'ServiceChain';

/** 1-based, as editors count. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** Where a parsed chain came from, so later checks (validateAgainst) can point into the file. */
export interface ChainSource {
  /** As given (a path, or a name such as `<stdin>`). */
  readonly file: string;
  /** 1-based index of the document in its file (documents are separated by `---`). */
  readonly document: number;
  /** Position of every field path of the document (see source-positions.ts). */
  readonly positions: ReadonlyMap<string, SourcePosition>;
}

export interface ParsedChain extends ChainDeclaration {
  readonly source: ChainSource;
}

/**
 * One problem with its field path (`spec.functions[2].placement.node`; '' = the whole document or
 * file) and, when known, the file, document and line:column it is at. A FieldViolation, so it can
 * travel as a google.rpc.BadRequest field violation as is.
 */
export interface DocumentError extends FieldViolation {
  readonly file?: string;
  readonly document?: number;
  readonly line?: number;
  readonly column?: number;
  /** The chain the error is about, when known and there is no file to name (chains from the store). */
  readonly chain?: string;
}

/** All or nothing: `chains` is empty whenever `errors` is not, so a caller can never apply half a file. */
export interface ParseResult {
  readonly chains: readonly ParsedChain[];
  readonly errors: readonly DocumentError[];
}
