/** Plain-text shaping for the drawing: cutting and wrapping by character count. */

/** Long words cut with an ellipsis so they fit `chars` characters. */
export function fit(s: string, chars: number): string {
  return s.length <= chars ? s : `${s.slice(0, Math.max(1, chars - 1))}…`;
}

/** Greedy word wrap at `chars` characters per line; words longer than a line are cut. */
export function wrap(text: string, chars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    for (let w = word; w.length > 0; ) {
      const room = line.length === 0 ? chars : chars - line.length - 1;
      if (w.length <= room) {
        line = line.length === 0 ? w : `${line} ${w}`;
        w = '';
      } else if (line.length > 0) {
        lines.push(line);
        line = '';
      } else {
        lines.push(w.slice(0, chars));
        w = w.slice(chars);
      }
    }
  }
  if (line.length > 0) lines.push(line);
  return lines;
}
