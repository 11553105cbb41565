/**
 * What `apply --wait` shows while chains become Ready. On a terminal, one line redrawn in place
 * with a spinner; elsewhere (CI logs, pipes), a line only when a chain's state changes, so logs
 * show the story without a line per poll. Pure: io/progress.ts does the drawing.
 */
import { formatElapsed } from './age.js';

export const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

/** Pending chains → what each waits for (chainReadiness().summary). */
export type WaitState = ReadonlyMap<string, string>;

/** The terminal line: `⠹ 12.0s waiting for chain/web: InstancesReady=False SpawnFailed (+1 more)`. */
export function spinnerLine(frame: number, state: WaitState, elapsedMs: number): string {
  const [first] = state;
  const what = first ? `chain/${first[0]}: ${first[1]}${state.size > 1 ? ` (+${state.size - 1} more)` : ''}` : 'done';
  return `${SPINNER_FRAMES[frame % SPINNER_FRAMES.length]} ${formatElapsed(elapsedMs)} waiting for ${what}`;
}

/** Log lines for the chains whose state changed since `before`. */
export function changedLines(before: WaitState, after: WaitState, elapsedMs: number): string[] {
  return [...after].filter(([name, s]) => before.get(name) !== s).map(([name, s]) => `${formatElapsed(elapsedMs)} chain/${name}: ${s}`);
}
