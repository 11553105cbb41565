/** A topology file → its model and derived underlay, or an error listing every problem with its place in the file. */
import { deriveUnderlay, formatTopologyIssue, loadTopologyFile } from '../../topology/index.js';
import type { Topology, Underlay } from '../../topology/types.js';

/** Bad input: the CLI prints the message and exits 2, nothing was changed. */
export class LabInputError extends Error {
  override readonly name = 'LabInputError';
}

export function loadLab(file: string, warn: (line: string) => void): { topology: Topology; underlay: Underlay } {
  const parsed = loadTopologyFile(file);
  if (!parsed.ok) throw new LabInputError(`${file} is not a valid topology:\n${parsed.errors.map((e) => `  ${formatTopologyIssue(file, e)}`).join('\n')}`);
  const derived = deriveUnderlay(parsed.topology);
  if (!derived.ok) throw new LabInputError(`${file}: cannot build the lab's underlay:\n${derived.errors.map((e) => `  ${formatTopologyIssue(file, e)}`).join('\n')}`);
  for (const w of [...parsed.topology.warnings, ...derived.warnings]) warn(`warning: ${formatTopologyIssue(file, w)}`);
  return { topology: parsed.topology, underlay: derived.underlay };
}
