/**
 * Prefix lists in documents (classifier destinations and sources). Prefixes are kept in the
 * canonical text iproute2 prints (lowercase, compressed IPv6, hosts without /32 or /128), so the
 * same prefix spelt two ways is one prefix for duplicate and overlap checks, and what the
 * controller later reads back from the kernel compares equal to what was declared.
 */
import type { Violations } from '../common/errors.js';
import { AddressParseError, type Family, formatPrefix, parsePrefix } from '../common/ip.js';
import { describe, fail } from './checks.js';
import { itemPath } from './field-path.js';

export interface ReadPrefix {
  readonly text: string;
  readonly family: Family;
}

/** Clears the bits beyond `length`. */
function masked(bytes: Uint8Array, length: number): Buffer {
  const out = Buffer.from(bytes);
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, length - i * 8));
    out[i] = out[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

export function readPrefix(v: Violations, path: string, x: unknown): ReadPrefix | undefined {
  if (typeof x !== 'string') return fail(v, path, `must be a prefix such as 10.0.0.0/8 or 2001:db8::/32 (got ${describe(x)})`);
  let p: ReturnType<typeof parsePrefix>;
  try {
    p = parsePrefix(x);
  } catch (e) {
    if (e instanceof AddressParseError) return fail(v, path, e.message);
    throw e;
  }
  // The kernel refuses a route whose prefix has host bits set ("Invalid prefix for given prefix
  // length"); saying so here, with the likely intent, beats a failure at the edge node later.
  const net = masked(p.bytes, p.length);
  if (!net.equals(p.bytes)) return fail(v, path, `'${x}' has host bits set beyond /${p.length} (did you mean ${formatPrefix(net, p.length, p.family)}?)`);
  return { text: formatPrefix(p.bytes, p.length, p.family), family: p.family };
}

export interface ListedPrefix extends ReadPrefix {
  /** Position in the list, for paths of later checks (families). */
  readonly index: number;
}

/**
 * A non-empty list of distinct prefixes; `emptyMessage` says why an empty one is wrong. Returns
 * the readable prefixes even when some items were bad, so that callers can still check families
 * on the rest (every error in one pass).
 */
export function readPrefixList(v: Violations, path: string, x: unknown, emptyMessage: string): ListedPrefix[] | undefined {
  if (!Array.isArray(x)) return fail(v, path, `must be a list of prefixes (got ${describe(x)})`);
  if (x.length === 0) return fail(v, path, emptyMessage);
  const seen = new Map<string, number>();
  const out: ListedPrefix[] = [];
  x.forEach((item, i) => {
    const p = readPrefix(v, itemPath(path, i), item);
    if (!p) return;
    const first = seen.get(p.text);
    if (first !== undefined) v.add(itemPath(path, i), `duplicate of ${itemPath(path, first)} (${p.text})`);
    else seen.set(p.text, i);
    out.push({ ...p, index: i });
  });
  return out;
}

export const familyName = (f: Family): string => `IPv${f}`;
