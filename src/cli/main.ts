/**
 * `sfcctl`: the process around runCli — real streams, environment, clock, stdin, and SIGINT.
 * The first Ctrl-C ends a watch (exit 0) or a wait (exit 130) cleanly through the context's
 * signal; a command busy in a call that does not listen gets a second to finish, then the
 * process exits 130. A second Ctrl-C exits at once.
 */
import { runCli } from './cli.js';
import type { CliContext } from './context.js';
import { ExitCode } from './exit-codes.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const interrupt = new AbortController();
const FORCE_EXIT_MS = 1000;
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(ExitCode.INTERRUPTED);
  interrupt.abort();
  // unref: a command that ended cleanly on the signal exits with its own code, not this one.
  setTimeout(() => process.exit(ExitCode.INTERRUPTED), FORCE_EXIT_MS).unref();
});

const ctx: CliContext = {
  out: process.stdout,
  err: process.stderr,
  env: process.env,
  now: () => new Date(),
  readStdin,
  signal: interrupt.signal,
};

runCli(process.argv.slice(2), ctx).then(
  (code) => {
    // exitCode, not exit(): stdout may still be flushing into a pipe.
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = ExitCode.FAILURE;
  },
);
