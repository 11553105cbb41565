/**
 * Where each field of a YAML document is, by field path: a mapping entry is at its key (the line
 * a reader looks for), a list item at its first character. Built from the `yaml` package's node
 * ranges, so validation can stay on plain JS values and still point into the file.
 */
import { type LineCounter, type Node, isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { SourcePosition } from './chain-document.js';
import { fieldPath, itemPath, parentPath } from './field-path.js';

export function sourcePositions(root: Node | null, lines: LineCounter): Map<string, SourcePosition> {
  const out = new Map<string, SourcePosition>();
  const at = (offset: number): SourcePosition => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const walk = (node: unknown, path: string): void => {
    // An alias's children are the anchor's, already indexed under the anchor's own path.
    if (isAlias(node)) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const child = fieldPath(path, key);
        const start = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
        if (start !== undefined) out.set(child, at(start));
        walk(pair.value, child);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const child = itemPath(path, i);
        const start = (item as Node | null)?.range?.[0];
        if (start !== undefined) out.set(child, at(start));
        walk(item, child);
      });
    }
  };
  if (root?.range) out.set('', at(root.range[0]));
  walk(root, '');
  return out;
}

/**
 * The position of a path, or of its nearest ancestor that is in the file: a missing field is
 * reported where its parent is, a value some validator spelt differently at its closest known part.
 */
export function locate(positions: ReadonlyMap<string, SourcePosition>, path: string): SourcePosition | undefined {
  for (let p = path; ; p = parentPath(p)) {
    const found = positions.get(p);
    if (found || p === '') return found;
  }
}
