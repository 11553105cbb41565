/** Human-readable pieces of the demo's progress output (stderr). Pure formatting. */
import type { Counters } from '../sid-counters.js';
import type { Range } from './checks.js';
import { SIDS } from './plan.js';

/** A table of per-SID counters: one row per SID along the path, one column per measurement. */
export function countersTable(columns: Readonly<Record<string, Counters | Readonly<Record<string, string>>>>): string[] {
  const names = Object.keys(columns);
  const rows = SIDS.map((s) => [s.node, s.sid, s.behavior.action, ...names.map((c) => String(columns[c]![s.key] ?? 0))]);
  const header = ['node', 'SID', 'behaviour', ...names];
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i >= 3 ? c.padStart(width[i]!) : c.padEnd(width[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
}

/** `edge 1 · fn1 0 · ...` */
export const formatOps = (ops: Readonly<Record<string, number>>): string =>
  Object.entries(ops)
    .map(([node, n]) => `${node} ${n}`)
    .join(' · ');

/** `140` when exact, else `140..141`. */
export const rangeText = (r: Range): string => (r.min === r.max ? String(r.min) : `${r.min}..${r.max}`);
