/**
 * Everything a command touches outside itself, in one object: output streams, environment,
 * clock, stdin, interruption. The entry point (main.ts) wires it to the process; tests pass
 * strings and a fixed clock, and run sfcctl in-process against a real gRPC server.
 */
export interface OutputStream {
  write(text: string): unknown;
  /** A terminal: progress may redraw one line in place. */
  readonly isTTY?: boolean;
}

export interface CliContext {
  readonly out: OutputStream;
  readonly err: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  now(): Date;
  /** All of stdin, for `-f -`. */
  readStdin(): Promise<string>;
  /** Aborted on SIGINT: watch ends cleanly, a wait stops. */
  readonly signal: AbortSignal;
  /** How often `apply --wait` polls the chains (default 500 ms; tests shorten it). */
  readonly pollIntervalMs?: number;
}
