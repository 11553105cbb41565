/**
 * How to start one of this repository's modules as its own Node process (inside a namespace with
 * `ip netns exec`): netlink sockets and listening sockets belong to the namespace of the process
 * that opens them, and Node cannot setns, so per-namespace work needs a process there.
 */
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: `--import tsx` resolves from here when running from sources. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * argv that runs the sibling module `name` of `fromUrl` (an `import.meta.url`) with this Node:
 * under tsx or vitest the sources are .ts and need the tsx loader; compiled .js runs as is.
 */
export function nodeScript(fromUrl: string, name: string): string[] {
  const here = fileURLToPath(fromUrl);
  const ext = extname(here);
  const file = join(dirname(here), `${name}${ext}`);
  return ext === '.ts' ? [process.execPath, '--import', 'tsx', file] : [process.execPath, file];
}
