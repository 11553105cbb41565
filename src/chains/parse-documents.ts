/**
 * YAML text → chains, all or nothing. Each source may hold several documents (`---`); every
 * document is parsed and checked, every error is collected with its file, document index, line
 * and column, and chains come back only when there is no error at all. Pure: the loader
 * (load-chain-files.ts) does the reading.
 */
import { LineCounter, parseAllDocuments, type YAMLError } from 'yaml';
import { Violations } from '../common/errors.js';
import { CHAIN_NAME } from '../model/chain.js';
import type { ChainSource, DocumentError, ParseResult, ParsedChain } from './chain-document.js';
import { isObject } from './checks.js';
import { byPosition } from './format-error.js';
import { locate, sourcePositions } from './source-positions.js';
import { readChainDocument } from './validate-document.js';

export interface ChainText {
  /** Shown in errors: a path, or `<stdin>`. */
  readonly file: string;
  readonly text: string;
}

/*
 * YAML 1.2 core schema (`yes`, `no`, `on` stay strings; YAML 1.1 would turn them into booleans),
 * duplicate keys refused, no merge keys (`<<` would bring in fields the document does not show),
 * positions tracked by a LineCounter, short messages (we add the position ourselves).
 */
const YAML_OPTIONS = { version: '1.2', schema: 'core', uniqueKeys: true, strict: true, merge: false, prettyErrors: false } as const;

function yamlError(file: string, document: number, e: YAMLError, lines: LineCounter): DocumentError {
  const { line, col } = lines.linePos(e.pos[0]);
  return { file, document, field: '', description: `YAML: ${e.message}`, line, column: col };
}

interface Checked {
  readonly chain?: ParsedChain;
  readonly errors: DocumentError[];
}

function checkDocument(src: ChainText, document: number, value: unknown, source: ChainSource): Checked {
  const v = new Violations();
  const declared = readChainDocument(v, value);
  const errors = v.list.map((x) => ({ file: src.file, document, ...x, ...locate(source.positions, x.field) }));
  return declared ? { chain: { ...declared, source }, errors } : { errors };
}

/** `metadata.name` if the document has a usable one, whatever else is wrong with it. */
function declaredName(value: unknown): string | undefined {
  const meta = isObject(value) ? value.metadata : undefined;
  const name = isObject(meta) ? meta.name : undefined;
  return typeof name === 'string' && CHAIN_NAME.test(name) ? name : undefined;
}

/** Every chain of every source, or every error of every source (never both). */
export function parseChainTexts(sources: readonly ChainText[]): ParseResult {
  const chains: ParsedChain[] = [];
  const errors: DocumentError[] = [];
  const firstByName = new Map<string, ChainSource>();
  for (const src of sources) {
    const lines = new LineCounter();
    const docs = parseAllDocuments(src.text, { ...YAML_OPTIONS, lineCounter: lines });
    let found = 0;
    docs.forEach((doc, i) => {
      const document = i + 1;
      const docErrors = [...doc.errors, ...doc.warnings].map((e) => yamlError(src.file, document, e, lines));
      // Content after a syntax error is guesswork: report the YAML problem alone for this document.
      if (docErrors.length > 0) {
        errors.push(...docErrors);
        return;
      }
      let value: unknown;
      try {
        // Anchors and aliases are fine; a document that expands them exponentially ("billion
        // laughs") is refused rather than allowed to eat the memory.
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (e) {
        errors.push({ file: src.file, document, field: '', description: `YAML: ${(e as Error).message}` });
        return;
      }
      // An empty document (a stray `---`, a file of comments) declares nothing, as with kubectl.
      if (value === null || value === undefined) return;
      found++;
      const source: ChainSource = { file: src.file, document, positions: sourcePositions(doc.contents, lines) };
      const checked = checkDocument(src, document, value, source);
      // Names are compared even in documents with other errors: one pass reports everything.
      const name = declaredName(value);
      const first = name === undefined ? undefined : firstByName.get(name);
      if (first) {
        const where = `${first.file}#${first.document}`;
        checked.errors.push({ file: src.file, document, field: 'metadata.name', description: `duplicate chain name '${name}' (also in ${where})`, ...locate(source.positions, 'metadata.name') });
      } else if (name !== undefined) firstByName.set(name, source);
      if (checked.chain) chains.push(checked.chain);
      errors.push(...checked.errors.sort(byPosition));
    });
    if (found === 0 && !errors.some((e) => e.file === src.file)) errors.push({ file: src.file, field: '', description: 'contains no chain document' });
  }
  return errors.length > 0 ? { chains: [], errors } : { chains, errors: [] };
}

/** One text (a file's content, stdin). */
export function parseChainDocuments(text: string, file = '<input>'): ParseResult {
  return parseChainTexts([{ file, text }]);
}
