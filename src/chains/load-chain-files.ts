/**
 * The only I/O of src/chains: reads chain files and directories, then parses them all together
 * (so duplicate names across files are found). A directory contributes its `*.yaml` and `*.yml`
 * files sorted by name (code-unit order, the same on every machine and locale), not its
 * subdirectories unless `recursive` is set (as `kubectl apply -f DIR` vs `-R`); hidden entries
 * (`.git`, editor files) are skipped. A file named explicitly is read whatever its extension.
 * Problems reading are errors like any other: reported all together, nothing half-loaded.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DocumentError, ParseResult } from './chain-document.js';
import { type ChainText, parseChainTexts } from './parse-documents.js';

export interface LoadOptions {
  /** Descend into subdirectories of the given directories. Default false. */
  readonly recursive?: boolean;
}

const isChainFile = (name: string): boolean => /\.ya?ml$/.test(name);
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function listDirectory(dir: string, recursive: boolean): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => byCodeUnits(a.name, b.name));
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory() && recursive) out.push(...(await listDirectory(path, true)));
    else if (e.isFile() && isChainFile(e.name)) out.push(path);
  }
  return out;
}

const REASONS: Readonly<Record<string, string>> = { ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory', ENOTDIR: 'a part of the path is not a directory' };
const reason = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  return (code && REASONS[code]) ?? (e as Error).message;
};

/** Chain files of every path, each file once, in the order given (directories expanded in place). */
async function collectFiles(paths: readonly string[], recursive: boolean, errors: DocumentError[]): Promise<string[]> {
  const files: string[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    let found: string[];
    try {
      if ((await stat(path)).isDirectory()) {
        found = await listDirectory(path, recursive);
        if (found.length === 0) errors.push({ file: path, field: '', description: `no *.yaml or *.yml file in this directory${recursive ? ' or below' : ''}` });
      } else found = [path];
    } catch (e) {
      errors.push({ file: path, field: '', description: `cannot read: ${reason(e)}` });
      continue;
    }
    for (const f of found) {
      if (seen.has(resolve(f))) continue;
      seen.add(resolve(f));
      files.push(f);
    }
  }
  return files;
}

export async function loadChainFiles(paths: readonly string[], options: LoadOptions = {}): Promise<ParseResult> {
  const errors: DocumentError[] = [];
  const texts: ChainText[] = [];
  for (const file of await collectFiles(paths, options.recursive ?? false, errors)) {
    try {
      texts.push({ file, text: await readFile(file, 'utf8') });
    } catch (e) {
      errors.push({ file, field: '', description: `cannot read: ${reason(e)}` });
    }
  }
  const parsed = parseChainTexts(texts);
  if (errors.length === 0) return parsed;
  return { chains: [], errors: [...errors, ...parsed.errors] };
}
