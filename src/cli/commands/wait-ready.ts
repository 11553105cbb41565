/**
 * `apply --wait`: polls each applied chain (GetChain) until it is Ready for the generation the
 * apply produced, or the wait times out (exit 4, with what each chain still waits for).
 *
 * Polling rather than WatchChains: each poll is an independent call, so a controller restart or
 * a dropped connection while waiting costs a retry instead of a broken stream to re-establish,
 * and the cost is one small call per pending chain every half second.
 */
import { status } from '@grpc/grpc-js';
import { decodeRpcError } from '../../common/grpc/errors.js';
import { formatDuration } from '../args/duration.js';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { startProgress } from '../io/progress.js';
import { chainReadiness } from '../readiness.js';
import { type CommandEnv, failure } from './command-env.js';

export interface WaitTarget {
  readonly name: string;
  /** The generation the apply produced: Ready must be for this one, not the previous spec. */
  readonly generation: number;
}

const DEFAULT_POLL_MS = 500;

/** Resolves after `ms`, or early when `signal` aborts. */
const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

export async function waitUntilReady(env: CommandEnv, targets: readonly WaitTarget[], timeoutMs: number): Promise<ExitCode> {
  const { ctx } = env;
  const clock = () => ctx.now().getTime();
  const deadline = clock() + timeoutMs;
  const pending = new Map(targets.map((t) => [t.name, t.generation]));
  const waitingFor = new Map<string, string>(targets.map((t) => [t.name, 'not polled yet']));
  const progress = startProgress(ctx.err, clock);
  try {
    for (;;) {
      for (const [name, generation] of pending) {
        try {
          const r = chainReadiness(await env.client().getChain(name), generation);
          if (r.ready) {
            pending.delete(name);
            waitingFor.delete(name);
            ctx.out.write(`chain/${name} ready\n`);
          } else waitingFor.set(name, r.summary);
        } catch (err) {
          const code = decodeRpcError(err).code;
          // The controller restarting or busy: keep waiting, it is what --wait is for.
          if (code === status.UNAVAILABLE || code === status.DEADLINE_EXCEEDED) waitingFor.set(name, 'controller unreachable; retrying');
          else throw failure(env, err, `chain/${name}`);
        }
      }
      if (pending.size === 0) return ExitCode.OK;
      progress.update(waitingFor);
      const left = deadline - clock();
      if (left <= 0) {
        const n = pending.size;
        throw new CliError(
          ExitCode.TIMEOUT,
          `timed out after ${formatDuration(timeoutMs)}: ${n} chain${n > 1 ? 's are' : ' is'} not Ready (${n > 1 ? 'they stay' : 'it stays'} applied; the controller keeps reconciling)`,
          [...waitingFor].map(([name, s]) => `chain/${name}: ${s}`),
        );
      }
      await sleep(Math.min(ctx.pollIntervalMs ?? DEFAULT_POLL_MS, left), ctx.signal);
      if (ctx.signal.aborted) throw new CliError(ExitCode.INTERRUPTED, 'interrupted while waiting for Ready; the chains stay applied');
    }
  } finally {
    progress.stop();
  }
}
