/**
 * Port ranges in documents have three spellings, because a list of `{start, end}` objects is
 * tedious for the common case: `80` (one port), `"8000-8080"` (an inclusive range, also written
 * unquoted: YAML reads `8000-8080` as a string) and `{start: 8000, end: 8080}`. The model holds
 * only `{start, end}`; toYaml writes the short forms back.
 */
import type { Violations } from '../common/errors.js';
import type { PortRange } from '../dataplane/seg6/rule.js';
import { describe, fail, isObject } from './checks.js';

const RANGE_TEXT = /^(\d{1,5})(?:-(\d{1,5}))?$/;
const RULE = "must be a port (80), a range ('8000-8080') or {start, end}, within 0..65535 and start <= end";

const isPort = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 65535;

/** One port range in any spelling; undefined (with the violation recorded) when it is none. */
export function readPortRange(v: Violations, path: string, x: unknown): PortRange | undefined {
  let start: unknown;
  let end: unknown;
  if (typeof x === 'number') [start, end] = [x, x];
  else if (typeof x === 'string') {
    const m = RANGE_TEXT.exec(x);
    if (m) [start, end] = [Number(m[1]), Number(m[2] ?? m[1])];
  } else if (isObject(x) && Object.keys(x).every((k) => k === 'start' || k === 'end')) [start, end] = [x.start, x.end];
  if (isPort(start) && isPort(end) && start <= end) return { start, end };
  return fail(v, path, `${RULE} (got ${isObject(x) ? JSON.stringify(x) : describe(x)})`);
}

/** The shortest spelling: a number for one port, `start-end` for a range. */
export function formatPortRange(r: PortRange): number | string {
  return r.start === r.end ? r.start : `${r.start}-${r.end}`;
}

export const samePortRange = (a: PortRange, b: PortRange): boolean => a.start === b.start && a.end === b.end;
