/**
 * Durations on the command line, as Go and kubectl write them: `500ms`, `30s`, `2m`, `1h`,
 * `1m30s`; a bare number is seconds (what people type first). Pure.
 */
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;

/** Milliseconds, or an error message naming the accepted forms. */
export function parseDuration(text: string): { readonly ms: number } | { readonly error: string } {
  const bad = { error: `'${text}' is not a duration (e.g. 500ms, 30s, 2m, 1m30s; a bare number is seconds)` };
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else {
    ms = 0;
    PART.lastIndex = 0;
    let end = 0;
    for (let m = PART.exec(text); m; m = PART.exec(text)) {
      ms += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
      end = PART.lastIndex;
    }
    if (text === '' || end !== text.length) return bad;
  }
  if (!Number.isFinite(ms) || ms <= 0) return { error: `'${text}' must be more than zero` };
  return { ms: Math.round(ms) };
}

/** The shortest exact spelling of a duration: 120000 → `2m`, 90000 → `1m30s`, 1500 → `1500ms`. */
export function formatDuration(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const out = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return out || '0s';
}
