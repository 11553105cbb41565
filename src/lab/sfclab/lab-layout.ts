/**
 * Where a lab's pieces live and what they are called (pure). Everything sfclab creates carries the
 * project prefix so `destroy` (and the test suite's leftover check) can find it:
 *
 *   node namespaces      sfc-<lab>-<node>
 *   agents' instances    sfc-<lab>-<node>.<id>  (named by the agent from its --scope <lab>-<node>)
 *   agents' BPF pins     /sys/fs/bpf/sfc/<lab>-<node>/   (the dynamic proxy; same scope)
 *   run directory        /run/srv6-sfc/labs/<lab>/   (sockets, logs, agent state, lab.json)
 *
 * The scope keeps two labs with nodes of the same name apart: instance namespaces and BPF pins are
 * machine-wide, and agents adopt (and prune) what carries their scope.
 */
import { join } from 'node:path';

export const LAB_RUN_ROOT = process.env.SFCLAB_RUN_DIR ?? '/run/srv6-sfc/labs';

export const nodeNamespace = (lab: string, node: string): string => `sfc-${lab}-${node}`;
export const labNamespacePrefix = (lab: string): string => `sfc-${lab}-`;
/** The agent's --scope: what names its machine-wide objects (instance namespaces, BPF pins). */
export const agentScope = (lab: string, node: string): string => `${lab}-${node}`;
/** The prefix of the namespaces the lab's agent of `node` creates for its instances. */
export const instanceNamespacePrefix = (lab: string, node: string): string => `sfc-${agentScope(lab, node)}.`;

export interface LabPaths {
  readonly dir: string;
  readonly record: string;
  readonly controllerSocket: string;
  readonly controllerLog: string;
  readonly controllerStore: string;
  agentSocket(node: string): string;
  agentLog(node: string): string;
  agentState(node: string): string;
}

export function labPaths(lab: string, root = LAB_RUN_ROOT): LabPaths {
  const dir = join(root, lab);
  return {
    dir,
    record: join(dir, 'lab.json'),
    controllerSocket: join(dir, 'controller.sock'),
    controllerLog: join(dir, 'controller.log'),
    controllerStore: join(dir, 'controller-store'),
    agentSocket: (node) => join(dir, 'agents', `${node}.sock`),
    agentLog: (node) => join(dir, 'agents', `${node}.log`),
    agentState: (node) => join(dir, 'agents', `${node}-state`),
  };
}

export const controllerAddress = (paths: LabPaths): string => `unix:${paths.controllerSocket}`;
