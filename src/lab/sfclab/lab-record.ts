/**
 * lab.json: what a deployed lab consists of, written before anything is created and updated as
 * processes start, so `destroy` can remove all of it after a crash of sfclab itself.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LabInventory } from './wire.js';

export interface LabProcess {
  /** `controller` or `agent/<node>`. */
  readonly name: string;
  readonly pid: number;
}

export interface LabRecord extends LabInventory {
  readonly lab: string;
  /** Absolute path of the topology file it was deployed from. */
  readonly topologyFile: string;
  readonly createdAt: string;
  readonly controller: string;
  /** The agents' resync period, seconds (a restarted agent gets the same). */
  readonly agentResyncSeconds: number;
  readonly processes: readonly LabProcess[];
}

export function readLabRecord(file: string): LabRecord | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as LabRecord;
  } catch {
    return undefined; // a torn write: destroy falls back to names derived from the topology
  }
}

/** Atomic: a crash leaves the previous record or the new one, never half of one. */
export function writeLabRecord(file: string, record: LabRecord): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(tmp, file);
}
