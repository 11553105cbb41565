/**
 * Hand-written type checks for documents parsed into plain JS values: each reports what it found
 * (`must be a string (got a number: 80)`) and returns undefined on a mismatch, so validators can
 * keep going and report every problem in one pass.
 */
import type { Violations } from '../common/errors.js';
import { fieldPath } from './field-path.js';

export type Fields = Readonly<Record<string, unknown>>;

/**
 * A YAML mapping read as a plain object. Values of other tags (`!!binary`, `!!set`, `!!timestamp`)
 * are objects too, but not mappings: they are refused as the wrong type.
 */
export function isObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/** What a value is, for messages: `a list`, `a mapping`, `a number: 80`, `the string '80'`. */
export function describe(x: unknown): string {
  if (x === null || x === undefined) return 'nothing';
  if (Array.isArray(x)) return 'a list';
  if (isObject(x)) return 'a mapping';
  if (typeof x === 'object') return `a value of type ${x.constructor.name}`;
  if (typeof x === 'string') return `the string '${x}'`;
  return `a ${typeof x}: ${String(x)}`;
}

/** Edit distance counting a swap of neighbours as one edit (optimal string alignment): `tpc` is one from `tcp`. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate a typo most likely meant (an abbreviation, or at most a third of the word changed), if any. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const all = [...candidates];
  const abbreviated = word.length >= 2 ? all.filter((c) => c.toLowerCase().startsWith(word.toLowerCase())) : [];
  if (abbreviated.length === 1) return abbreviated[0];
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const c of all) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

/**
 * A mapping with only the allowed keys. Unknown keys are errors (a misspelt optional field would
 * otherwise be silently ignored: `sources` typed as `source` would match every source).
 */
export function readFields(v: Violations, path: string, x: unknown, allowed: readonly string[], what = 'a mapping'): Fields | undefined {
  if (!isObject(x)) return fail(v, path, `must be ${what} (got ${describe(x)})`);
  for (const key of Object.keys(x)) {
    if (allowed.includes(key)) continue;
    const guess = closest(key, allowed);
    v.add(fieldPath(path, key), guess ? `unknown field; did you mean '${guess}'?` : `unknown field (one of ${allowed.join(', ')})`);
  }
  return x;
}

/** Records a violation; returns undefined so readers can `return fail(...)`. */
export function fail(v: Violations, path: string, description: string): undefined {
  v.add(path, description);
  return undefined;
}

/** YAML `key:` with no value reads as null: treated as absent, as Kubernetes does. */
export const absent = (x: unknown): x is null | undefined => x === null || x === undefined;

export function readString(v: Violations, path: string, x: unknown): string | undefined {
  if (absent(x)) return fail(v, path, 'is required');
  if (typeof x !== 'string') return fail(v, path, `must be a string (got ${describe(x)})`);
  return x;
}

/** One of a fixed set of strings. */
export function readEnum<T extends string>(v: Violations, path: string, x: unknown, values: readonly T[]): T | undefined {
  if (typeof x === 'string' && (values as readonly string[]).includes(x)) return x as T;
  const guess = typeof x === 'string' ? closest(x, values) : undefined;
  return fail(v, path, `must be one of ${values.join(', ')} (got ${describe(x)})${guess ? `; did you mean '${guess}'?` : ''}`);
}

/** A list (absent is the caller's business); reports a scalar or mapping where a list belongs. */
export function readList(v: Violations, path: string, x: unknown): readonly unknown[] | undefined {
  if (Array.isArray(x)) return x;
  return fail(v, path, `must be a list (got ${describe(x)})`);
}

/** Drops undefined members so built objects compare and serialize as if the key was never there. */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as T;
}
