/**
 * `sfcctl watch`: WatchChains, one line per event, until Ctrl-C (exit 0) or the controller ends
 * the stream (exit by its status: a controller shutting down is UNAVAILABLE, exit 6).
 */
import type { Command } from '../args/command-line.js';
import { ExitCode } from '../exit-codes.js';
import { errorText } from '../format/error-lines.js';
import { watchJsonLine, watchLine } from '../format/watch-line.js';
import { type CommandEnv, failure } from './command-env.js';

export function watch(env: CommandEnv, cmd: Extract<Command, { kind: 'watch' }>): Promise<ExitCode> {
  const { ctx } = env;
  const line = cmd.output === 'json' ? watchJsonLine : watchLine;
  return new Promise((resolve) => {
    if (ctx.signal.aborted) return resolve(ExitCode.OK);
    const stop = (code: ExitCode): void => {
      ctx.signal.removeEventListener('abort', onAbort);
      resolve(code);
    };
    const handle = env.client().watchChains(cmd.selector, {
      onEvent: (e) => void ctx.out.write(line(e, ctx.now())),
      onEnd: (err) => {
        if (err === undefined) return stop(ExitCode.OK);
        const e = failure(env, err);
        ctx.err.write(errorText(e));
        stop(e.exitCode);
      },
    });
    const onAbort = (): void => {
      handle.cancel();
      stop(ExitCode.OK);
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
}
