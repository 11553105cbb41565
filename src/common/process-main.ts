/** What every srv6-sfc binary's main does alike: flag errors, signals, a fatal error. */
import { InvalidArgumentError } from './errors.js';
import type { Lifecycle } from './lifecycle.js';
import type { Logger } from './logger.js';

/** Parses flags; on bad flags prints each with its name, a pointer to --help, and exits 2. */
export function parseOrExit<T>(program: string, parse: (argv: readonly string[]) => T, argv: readonly string[]): T {
  try {
    return parse(argv);
  } catch (e) {
    if (!(e instanceof InvalidArgumentError)) throw e;
    for (const v of e.violations) process.stderr.write(`${program}: ${v.field}: ${v.description}\n`);
    process.stderr.write(`Run ${program} --help for usage.\n`);
    process.exit(2);
  }
}

/** SIGTERM/SIGINT stop the lifecycle once (later signals are ignored), then exit 0, or 1 on stop errors. */
export function stopOnSignals(lifecycle: Lifecycle, log: Logger, note = 'stopping'): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(note, { signal });
    lifecycle.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        log.error('stop failed', { error: String(e) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** Runs main; a rejection is logged with its stack and exits 1. */
export function runMain(main: () => Promise<void>, log: Logger): void {
  main().catch((e: unknown) => {
    log.error('fatal', { error: e instanceof Error ? e.stack : String(e) });
    process.exit(1);
  });
}
