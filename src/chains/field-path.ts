/**
 * Field paths as users read them in errors: `spec.functions[2].placement.node`. The validator and
 * the YAML position index build paths with these same helpers, so a violation's path finds the
 * line it is about. Keys that are not plain identifiers (label keys such as `srv6-sfc/role`) are
 * quoted in brackets, `metadata.labels["srv6-sfc/role"]`, so a path never reads ambiguously.
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** The last segment of a path: `.key`, `[3]` or `["any key"]`. */
const LAST_SEGMENT = /(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])$/;

export function fieldPath(parent: string, key: string): string {
  if (!IDENTIFIER.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

export function itemPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** The enclosing path (`a.b[2]` → `a.b`, `a` → ''); '' stays ''. */
export function parentPath(path: string): string {
  const m = LAST_SEGMENT.exec(path);
  if (m) return path.slice(0, m.index);
  // A first segment without a leading '.', or a segment some other validator spelled freely.
  const dot = path.lastIndexOf('.');
  return dot === -1 ? '' : path.slice(0, dot);
}
