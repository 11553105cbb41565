/**
 * Ages as kubectl prints them: two significant units while they matter (`90s`, `5m30s`, `3h20m`,
 * `2d4h`), one after (`45m`, `30h`, `12d`). An unknown time is `-`; a time in the future (clock
 * skew between the controller and this machine) is `0s`. Pure.
 */
export function formatAge(time: string, now: Date): string {
  const t = Date.parse(time);
  if (time === '' || Number.isNaN(t)) return '-';
  const s = Math.max(0, Math.floor((now.getTime() - t) / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const d = Math.floor(h / 24);
  if (s < 120) return `${s}s`;
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (h < 3) return `${m}m`;
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  return `${d}d`;
}

/** Elapsed time of a wait: `0.4s`, `12s`, `2m05s`. */
export function formatElapsed(ms: number): string {
  if (ms < 10_000) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
