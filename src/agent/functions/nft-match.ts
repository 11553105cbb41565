/**
 * Normalisation of match values for nftables (pure): prefixes split by family, reduced to their
 * network form and de-overlapped (nft refuses overlapping elements in an anonymous interval set),
 * port ranges merged. Everything printed comes from parsed numbers and bytes, never from the input
 * text, so a ruleset cannot be injected through a spec.
 */
import { type Family, formatPrefix, parsePrefix } from '../../common/ip.js';
import type { PortRange } from '../../dataplane/seg6/rule.js';

interface Net {
  readonly bytes: Buffer;
  readonly length: number;
}

/** Prefixes of one family: `all` when one of them is a /0 (the selector is then the family itself). */
export type FamilyPrefixes = { readonly all: true } | { readonly all: false; readonly prefixes: readonly string[] };

function network(bytes: Buffer, length: number): Buffer {
  const out = Buffer.from(bytes);
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, length - i * 8));
    out[i] = out[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

function covers(a: Net, b: Net): boolean {
  if (a.length > b.length) return false;
  return network(b.bytes, a.length).equals(a.bytes);
}

/** Splits prefixes by family; drops duplicates and prefixes inside another one of the list. */
export function splitPrefixes(list: readonly string[]): Partial<Record<Family, FamilyPrefixes>> {
  const byFamily: Record<Family, Net[]> = { 4: [], 6: [] };
  for (const text of list) {
    const p = parsePrefix(text);
    byFamily[p.family].push({ bytes: network(p.bytes, p.length), length: p.length });
  }
  const out: Partial<Record<Family, FamilyPrefixes>> = {};
  for (const family of [4, 6] as const) {
    const nets = byFamily[family].sort((a, b) => a.length - b.length || Buffer.compare(a.bytes, b.bytes));
    if (nets.length === 0) continue;
    if (nets[0]!.length === 0) {
      out[family] = { all: true };
      continue;
    }
    const kept: Net[] = [];
    for (const n of nets) if (!kept.some((k) => covers(k, n))) kept.push(n);
    kept.sort((a, b) => Buffer.compare(a.bytes, b.bytes) || a.length - b.length);
    out[family] = { all: false, prefixes: kept.map((n) => formatPrefix(n.bytes, n.length, family)) };
  }
  return out;
}

/** Sorted, merged (overlapping or adjacent) port ranges; `undefined` when they cover every port. */
export function mergePorts(ranges: readonly PortRange[]): PortRange[] | undefined {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: { start: number; end: number }[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else merged.push({ start: r.start, end: r.end });
  }
  if (merged.length === 1 && merged[0]!.start === 0 && merged[0]!.end === 65535) return undefined;
  return merged;
}

/** `80`, `1000-2000`, or an anonymous set `{ 80, 443, 1000-2000 }`. */
export function nftSet(items: readonly string[]): string {
  return items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`;
}

export const nftPorts = (ranges: readonly PortRange[]): string => nftSet(ranges.map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`)));

/** A quoted nft string (interface and counter names); only [A-Za-z0-9_.-] is ever passed. */
export function nftString(s: string): string {
  if (!/^[A-Za-z0-9_.-]{1,31}$/.test(s)) throw new Error(`not a safe nftables name: '${s}'`);
  return `"${s}"`;
}
