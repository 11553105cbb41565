/**
 * Errors and warnings of one topology check, gathered so every problem is reported in one pass,
 * then placed in the file (line:column from the YAML position index) and put in file order.
 */
import { Violations } from '../common/errors.js';
import type { SourcePosition } from '../chains/chain-document.js';
import { locate } from '../chains/source-positions.js';
import type { TopologyIssue } from './types.js';

export class Issues {
  readonly errors = new Violations();
  readonly warnings = new Violations();

  error(path: string, message: string): void {
    this.errors.add(path, message);
  }

  warn(path: string, message: string): void {
    this.warnings.add(path, message);
  }
}

/**
 * Violations → issues with their position (or their nearest located ancestor's), duplicates
 * dropped (a setting inherited from `defaults` is checked once per node), in file order.
 */
export function placeIssues(list: Violations, positions: ReadonlyMap<string, SourcePosition> | undefined): TopologyIssue[] {
  const seen = new Set<string>();
  const out: TopologyIssue[] = [];
  for (const v of list.list) {
    const key = `${v.field}\u0000${v.description}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const at = positions ? locate(positions, v.field) : undefined;
    out.push({ path: v.field, message: v.description, ...(at ? { line: at.line, column: at.column } : {}) });
  }
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
