/**
 * What every `npm run bench:<area>` driver shares: the JSON line per metric (DESIGN.md §6) and
 * running main with cleanup on failure and on SIGINT/SIGTERM.
 */
import { cleanupAll } from './bench-netns.js';

export type Emit = (metric: string, value: number, unit: string, reference?: string, referenceValue?: number) => void;

const round = (x: number, digits = 4): number => Number(x.toPrecision(digits));
export const log = (s: string): void => void process.stderr.write(`${s}\n`);

/** One JSON line on stdout; reference fields only when a reference was measured or named. */
export function emitter(bench: string): Emit {
  return (metric, value, unit, reference, referenceValue) => {
    const line: Record<string, unknown> = { bench, metric, value: round(value), unit };
    if (reference !== undefined && referenceValue !== undefined) {
      line.reference = reference;
      line.referenceValue = round(referenceValue);
      line.ratio = round(value / referenceValue, 3);
    }
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
}

/** Runs main; namespaces and children are cleaned up on exit, failure and signals (plus `extraCleanup`). */
export function runBench(main: () => Promise<void>, extraCleanup: () => void = () => undefined): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      log(`bench: ${sig}, cleaning up`);
      cleanupAll();
      extraCleanup();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
  main()
    .catch((e: unknown) => {
      log(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exitCode = 1;
    })
    .finally(cleanupAll);
}
