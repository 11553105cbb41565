/**
 * Draws wait progress on stderr (stdout stays clean for the result lines scripts read): a spinner
 * redrawn every 100 ms on a terminal, change lines otherwise (format/progress.ts).
 */
import type { OutputStream } from '../context.js';
import { type WaitState, changedLines, spinnerLine } from '../format/progress.js';

export interface Progress {
  update(state: WaitState): void;
  /** Clears the spinner line; stops the timer. */
  stop(): void;
}

const CLEAR_LINE = '\r\x1b[2K';

export function startProgress(stream: OutputStream, now: () => number): Progress {
  const started = now();
  let state: WaitState = new Map();
  if (!stream.isTTY) {
    return {
      update: (next) => {
        for (const line of changedLines(state, next, now() - started)) stream.write(`${line}\n`);
        state = new Map(next);
      },
      stop: () => undefined,
    };
  }
  let frame = 0;
  const draw = (): void => void stream.write(`${CLEAR_LINE}${spinnerLine(frame++, state, now() - started)}`);
  const timer = setInterval(draw, 100);
  // The spinner must never keep the process alive on its own.
  timer.unref();
  return {
    update: (next) => {
      state = new Map(next);
      draw();
    },
    stop: () => {
      clearInterval(timer);
      stream.write(CLEAR_LINE);
    },
  };
}
