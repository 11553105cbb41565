/**
 * Removing one node's pinned programs and maps (`<bpffs>/sfc/<node>/`), and the shared `sfc`
 * directory when it was the last. Unpinning drops the kernel objects once nothing else holds them
 * (a tc filter in a deleted namespace no longer does). Used by the loader's cleanup, and by sfclab
 * destroy for agents that were stopped (SIGTERM leaves the dataplane, pins included, in place).
 */
import { readdirSync, rmSync, rmdirSync } from 'node:fs';
import { pinLayout } from './layout.js';

export const DEFAULT_BPFFS = '/sys/fs/bpf';

export function removeBpfPins(node: string, bpffs: string = DEFAULT_BPFFS): void {
  const pins = pinLayout(bpffs, node);
  rmSync(pins.dir, { recursive: true, force: true });
  try {
    if (readdirSync(pins.root).length === 0) rmdirSync(pins.root);
  } catch {
    // not there, or another node's pins remain
  }
}
