/**
 * `sfclab destroy`: stops the lab's processes and removes its namespaces (node and instance ones),
 * host-side veth ends and run directory. Idempotent, and works after a crash: what lab.json does
 * not say (a torn record, a lost run directory) is found by the lab's name prefix.
 */
import { rmSync } from 'node:fs';
import { deleteNamespace, ip, listNamespaces } from '../netns.js';
import { removeBpfPins } from '../../agent/proxy/dynamic/pins.js';
import { agentScope, instanceNamespacePrefix, labNamespacePrefix, labPaths } from './lab-layout.js';
import { readLabRecord } from './lab-record.js';
import { isOurs, stopProcess } from './processes.js';

export interface DestroyOptions {
  readonly lab: string;
  /** Agent nodes to clean instance namespaces of when lab.json is gone (from the topology file). */
  readonly agentNodes?: readonly string[];
  readonly hostInterfaces?: readonly string[];
  readonly log: (line: string) => void;
}

export interface DestroyReport {
  readonly processes: number;
  readonly namespaces: number;
}

export async function destroyLab(opts: DestroyOptions): Promise<DestroyReport> {
  const paths = labPaths(opts.lab);
  const record = readLabRecord(paths.record);
  // Agents first: a live agent would re-create instances we are about to remove.
  const procs = [...(record?.processes ?? [])].sort((a, b) => (a.name === 'controller' ? 1 : 0) - (b.name === 'controller' ? 1 : 0));
  const ours = procs.filter((p) => isOurs(p.pid, paths.dir));
  await Promise.all(ours.filter((p) => p.name !== 'controller').map((p) => stopProcess(p.pid)));
  for (const p of ours.filter((x) => x.name === 'controller')) await stopProcess(p.pid);
  if (ours.length > 0) opts.log(`stopped ${ours.map((p) => p.name).join(', ')}`);

  const agentNodes = new Set([...(record?.agentNodes ?? []), ...(opts.agentNodes ?? [])]);
  // Instance namespaces start with the lab's prefix too (sfc-<lab>-<node>.<id>).
  const namespaces = [...new Set([...[...agentNodes].flatMap((n) => listNamespaces(instanceNamespacePrefix(opts.lab, n))), ...listNamespaces(labNamespacePrefix(opts.lab))])];
  let removed = 0;
  for (const ns of namespaces) if (deleteNamespace(ns)) removed++;
  for (const dev of new Set([...(record?.hostInterfaces ?? []), ...(opts.hostInterfaces ?? [])])) {
    // Normally gone with its peer's namespace; a leftover is ours by name (sfc*), checked at parse time.
    if (dev.startsWith('sfc')) {
      try {
        ip(['link', 'del', dev]);
      } catch {
        /* already gone */
      }
    }
  }
  if (removed > 0) opts.log(`removed ${removed} namespaces`);
  // The dynamic proxy's pins outlive the namespaces (bpffs is machine-wide); stopped agents leave them.
  for (const n of agentNodes) removeBpfPins(agentScope(opts.lab, n));
  rmSync(paths.dir, { recursive: true, force: true });
  return { processes: ours.length, namespaces: removed };
}
