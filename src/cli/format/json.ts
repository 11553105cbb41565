/**
 * JSON output that is the same bytes for the same data: object keys sorted at every level (the
 * server's map order and the codecs' construction order do not leak into scripts' diffs), 64-bit
 * counters (bigint) as decimal strings as the proto3 JSON mapping writes uint64 (exact: a
 * JavaScript number would round above 2^53), undefined fields left out. Pure.
 */
export function toJsonValue(x: unknown): unknown {
  if (typeof x === 'bigint') return x.toString();
  if (Array.isArray(x)) return x.map(toJsonValue);
  if (x !== null && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x).sort()) {
      const v = (x as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = toJsonValue(v);
    }
    return out;
  }
  return x;
}

/** Indented, keys sorted, one trailing newline. */
export const stableJson = (x: unknown): string => `${JSON.stringify(toJsonValue(x), null, 2)}\n`;

/** One line (for streams: one event per line). */
export const jsonLine = (x: unknown): string => `${JSON.stringify(toJsonValue(x))}\n`;
