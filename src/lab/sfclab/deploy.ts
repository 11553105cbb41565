/**
 * `sfclab deploy`: a topology file → namespaces, links, sysctls, addresses and routes, the file's
 * `exec` commands, the controller and one agent per role node, all registered and READY. Nothing
 * is left half-done: any failure destroys what was created and reports the step that failed.
 */
import { resolve as resolvePath } from 'node:path';
import { ControllerClient } from '../../cli/client/controller-client.js';
import { CUSTOMER_INTERFACES_LABEL } from '../../controller/planning/node-settings.js';
import type { NodeUnderlay, Topology, TopologyNode, Underlay } from '../../topology/types.js';
import { listNamespaces } from '../netns.js';
import { destroyLab } from './destroy.js';
import { agentScope, controllerAddress, labNamespacePrefix, labPaths } from './lab-layout.js';
import { type LabProcess, type LabRecord, readLabRecord, writeLabRecord } from './lab-record.js';
import { loadLab } from './load-lab.js';
import { type Started, binary, isAlive, startDetached, tail } from './processes.js';
import { applySysctls, applyUnderlay, createLink, createNodeNamespace, enableSeg6OnInterfaces, labInventory, mustExec, namespaceOf, nodesByName } from './wire.js';

/** MTU of links sfclab creates when the file gives none: jumbo between SRv6 nodes (room for the SRH), 1500 to endpoints. */
export const CORE_MTU = 9500;
export const EDGE_MTU = 1500;
/** A lab notices a dead agent within seconds: heartbeats every second, UNREACHABLE after three missed. */
const HEARTBEAT_SECONDS = 1;
const LIVENESS_SECONDS = 3;

export interface DeployOptions {
  readonly topologyFile: string;
  readonly log: (line: string) => void;
  /** Agents' resync period, seconds (default 5). */
  readonly resyncSeconds?: number;
  /** How long to wait for every agent to register READY, ms (default 60 s). */
  readonly readyTimeoutMs?: number;
}

export interface DeployedLab {
  readonly topology: Topology;
  readonly underlay: Underlay;
  readonly record: LabRecord;
}

const agentNodes = (t: Topology): TopologyNode[] => t.nodes.filter((n) => n.role !== undefined);

export async function deployLab(opts: DeployOptions): Promise<DeployedLab> {
  const { log } = opts;
  const { topology, underlay } = loadLab(opts.topologyFile, log);
  const lab = topology.name;
  const paths = labPaths(lab);
  const existing = readLabRecord(paths.record);
  if (existing || listNamespaces(labNamespacePrefix(lab)).length > 0) {
    throw new Error(`lab ${lab} is already deployed (or left over): run 'sfclab destroy -t ${opts.topologyFile}' first`);
  }
  const started = Date.now();
  writeLabRecord(paths.record, {
    lab,
    topologyFile: resolvePath(opts.topologyFile),
    createdAt: new Date().toISOString(),
    ...labInventory(topology),
    controller: controllerAddress(paths),
    agentResyncSeconds: opts.resyncSeconds ?? 5,
    processes: [],
  });
  const addProcess = (p: LabProcess): void => recordProcess(lab, p);
  try {
    wireLab(topology, underlay, log);
    await startControl(topology, underlay, opts, addProcess, log);
    log(`lab ${lab} deployed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { topology, underlay, record: readLabRecord(paths.record)! };
  } catch (e) {
    log(`deploy failed: ${e instanceof Error ? e.message : String(e)}; removing what was created`);
    await destroyLab({ lab, log: () => undefined });
    throw e;
  }
}

function wireLab(t: Topology, underlay: Underlay, log: (l: string) => void): void {
  const lab = t.name;
  const nodes = nodesByName(t);
  const u = new Map(underlay.nodes.map((n) => [n.node, n]));
  log(`creating ${t.nodes.filter((n) => n.kind !== 'host').length} node namespaces`);
  for (const n of t.nodes) {
    createNodeNamespace(lab, n);
    const ns = namespaceOf(lab, n);
    if (ns) applySysctls(ns, { ...(u.get(n.name)?.sysctls ?? {}), ...n.sysctls });
  }
  log(`creating ${t.links.length} links`);
  for (const l of t.links) {
    const roleBoth = nodes.get(l.a.node)!.role !== undefined && nodes.get(l.b.node)!.role !== undefined;
    createLink(lab, nodes, l, roleBoth ? CORE_MTU : EDGE_MTU);
  }
  log(underlay.mode === 'derived' ? 'addressing links and routing locators (derived underlay)' : 'underlay from the file (exec)');
  for (const n of t.nodes) {
    const ns = namespaceOf(lab, n);
    if (!ns) continue;
    if (n.role !== undefined) enableSeg6OnInterfaces(ns);
    applyUnderlay(ns, u.get(n.name)!);
  }
  const withExec = t.nodes.filter((n) => n.exec.length > 0 && namespaceOf(lab, n));
  if (withExec.length > 0) log(`running exec commands on ${withExec.map((n) => n.name).join(', ')}`);
  for (const n of withExec) for (const cmd of n.exec) mustExec(namespaceOf(lab, n)!, n.name, cmd, n.env);
}

async function startControl(t: Topology, underlay: Underlay, opts: DeployOptions, addProcess: (p: LabProcess) => void, log: (l: string) => void): Promise<void> {
  const lab = t.name;
  const paths = labPaths(lab);
  const address = controllerAddress(paths);
  log('starting the controller');
  const ctl = await startDetached(
    [binary('sfc-controller'), '--listen', address, '--state-dir', paths.controllerStore, '--resync', '5', '--liveness', String(LIVENESS_SECONDS), '--topology', resolvePath(opts.topologyFile)],
    paths.controllerLog,
  );
  addProcess({ name: 'controller', pid: ctl.pid });
  const u = new Map(underlay.nodes.map((n) => [n.node, n]));
  const agents = agentNodes(t);
  log(`starting ${agents.length} agents: ${agents.map((n) => n.name).join(', ')}`);
  for (const n of agents) addProcess({ name: `agent/${n.name}`, pid: (await startAgent(t, u.get(n.name)!, opts.resyncSeconds ?? 5)).pid });
  await waitForAgents(lab, address, agents.map((n) => n.name), opts.readyTimeoutMs ?? 60_000, log);
}

/** The argv of a role node's agent: its name, locator, sockets in the run directory, core interface and labels. */
export function agentArgv(t: Topology, nu: NodeUnderlay, resyncSeconds: number): string[] {
  const n = t.nodes.find((x) => x.name === nu.node)!;
  const paths = labPaths(t.name);
  const labels = { ...n.labels };
  if (nu.customerInterfaces.length > 0 && labels[CUSTOMER_INTERFACES_LABEL] === undefined) labels[CUSTOMER_INTERFACES_LABEL] = nu.customerInterfaces.join(',');
  return [
    'nsenter',
    `--net=/run/netns/${namespaceOf(t.name, n)!}`,
    binary('sfc-agent'),
    ...['--name', n.name, '--scope', agentScope(t.name, n.name), '--locator', nu.locator ?? n.locator ?? ''],
    ...['--listen', `unix:${paths.agentSocket(n.name)}`, '--controller', controllerAddress(paths)],
    ...['--state-dir', paths.agentState(n.name), '--resync', String(resyncSeconds), '--heartbeat', String(HEARTBEAT_SECONDS)],
    ...(nu.coreInterface ? ['--core-interface', nu.coreInterface] : []),
    ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
  ];
}

export function recordProcess(lab: string, p: LabProcess): void {
  const file = labPaths(lab).record;
  const record = readLabRecord(file);
  if (!record) throw new Error(`lab ${lab} is not deployed`);
  writeLabRecord(file, { ...record, processes: [...record.processes.filter((x) => x.name !== p.name), p] });
}

export const startAgent = (t: Topology, nu: NodeUnderlay, resyncSeconds: number): Promise<Started> =>
  startDetached(agentArgv(t, nu, resyncSeconds), labPaths(t.name).agentLog(nu.node));

async function waitForAgents(lab: string, address: string, names: readonly string[], timeoutMs: number, log: (l: string) => void): Promise<void> {
  const paths = labPaths(lab);
  const client = new ControllerClient(address, { timeoutMs: 2000 });
  const deadline = Date.now() + timeoutMs;
  let reported = -1;
  try {
    for (;;) {
      const record = readLabRecord(paths.record);
      for (const p of record?.processes ?? []) {
        if (!isAlive(p.pid)) {
          const file = p.name === 'controller' ? paths.controllerLog : paths.agentLog(p.name.slice('agent/'.length));
          throw new Error(`${p.name} exited during start-up; its log (${file}) ends with:\n${tail(file)}`);
        }
      }
      const ready = new Set(
        await client.listNodes([]).then(
          (ns) => ns.filter((n) => n.state === 'READY').map((n) => n.name),
          () => [] as string[],
        ),
      );
      const missing = names.filter((n) => !ready.has(n));
      if (missing.length === 0) return;
      if (ready.size !== reported) {
        reported = ready.size;
        log(`  ${names.length - missing.length}/${names.length} agents registered`);
      }
      if (Date.now() > deadline) throw new Error(`agents ${missing.join(', ')} did not register within ${timeoutMs / 1000} s (logs in ${paths.dir}/agents/)`);
      await new Promise((r) => setTimeout(r, 150));
    }
  } finally {
    client.close();
  }
}
