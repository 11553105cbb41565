/**
 * `sfclab`: deploy | destroy | inspect | exec | graph a containerlab topology in network namespaces.
 * Exit codes: 0 done, 1 failed (the message says which step), 2 bad input (nothing was changed).
 */
import { writeFileSync } from 'node:fs';
import { ControllerClient } from '../../cli/client/controller-client.js';
import type { Chain } from '../../model/chain.js';
import { renderTopologyDot, renderTopologyHtml, renderTopologySvg } from '../../topology/graph/index.js';
import type { Topology } from '../../topology/types.js';
import { isRoot } from '../netns.js';
import { chainView } from './chain-views.js';
import { type LabCommand, USAGE, parseLabArgs } from './command-line.js';
import { deployLab } from './deploy.js';
import { destroyLab } from './destroy.js';
import { formatLabView, inspectLab } from './inspect.js';
import { controllerAddress, labPaths } from './lab-layout.js';
import { readLabRecord } from './lab-record.js';
import { LabInputError, loadLab } from './load-lab.js';
import { isAlive } from './processes.js';
import { labInventory, namespaceOf, runExec } from './wire.js';

const err = (line: string): void => void process.stderr.write(`${line}\n`);
const out = (text: string): void => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

/** The lab's chains from its controller, or [] when the lab is not running. */
export async function labChains(lab: string): Promise<Chain[]> {
  const paths = labPaths(lab);
  const ctl = readLabRecord(paths.record)?.processes.find((p) => p.name === 'controller');
  if (!ctl || !isAlive(ctl.pid)) return [];
  const client = new ControllerClient(controllerAddress(paths), { timeoutMs: 3000 });
  try {
    return await client.listChains([]);
  } finally {
    client.close();
  }
}

async function run(c: Exclude<LabCommand, { kind: 'help' }>): Promise<number> {
  if (c.kind !== 'graph' && !isRoot()) {
    err('sfclab: needs root (it creates network namespaces)');
    return 1;
  }
  // Warnings are deploy's to print (it loads the file itself); the other commands stay quiet.
  const { topology, underlay } = loadLab(c.topo, () => undefined);
  switch (c.kind) {
    case 'deploy': {
      if (c.reconfigure) await destroyLab(destroyInputs(topology));
      const lab = await deployLab({ topologyFile: c.topo, log: err });
      out(formatLabView(await inspectLab(lab.topology, lab.underlay)));
      return 0;
    }
    case 'destroy': {
      const r = await destroyLab(destroyInputs(topology));
      err(r.processes + r.namespaces > 0 ? `lab ${topology.name} destroyed` : `lab ${topology.name} was not deployed; nothing to remove`);
      return 0;
    }
    case 'inspect': {
      const view = await inspectLab(topology, underlay);
      out(c.format === 'json' ? JSON.stringify(view, null, 2) : formatLabView(view));
      return view.deployed ? 0 : 1;
    }
    case 'exec':
      return execIn(topology, c.nodes, c.cmd);
    case 'graph': {
      const chains = (await labChains(topology.name)).map(chainView);
      const render = { html: renderTopologyHtml, svg: renderTopologySvg, dot: renderTopologyDot }[c.format];
      const file = c.out ?? `${topology.name}.graph.${c.format}`;
      writeFileSync(file, render(topology, chains, { title: `${topology.name}`, underlay }));
      err(`wrote ${file} (${topology.nodes.length} nodes, ${topology.links.length} links, ${chains.length} chains)`);
      return 0;
    }
  }
}

function destroyInputs(t: Topology): Parameters<typeof destroyLab>[0] {
  const { agentNodes, hostInterfaces } = labInventory(t);
  return { lab: t.name, agentNodes, hostInterfaces, log: err };
}

function execIn(t: Topology, names: readonly string[], cmd: string): number {
  const unknown = names.filter((n) => !t.nodes.some((x) => x.name === n));
  if (unknown.length > 0) throw new LabInputError(`--node: ${unknown.join(', ')} ${unknown.length > 1 ? 'are not nodes' : 'is not a node'} of lab ${t.name}`);
  const targets = t.nodes.filter((n) => (names.length === 0 || names.includes(n.name)) && namespaceOf(t.name, n) !== undefined);
  if (!readLabRecord(labPaths(t.name).record)) {
    err(`lab ${t.name} is not deployed`);
    return 1;
  }
  let failed = 0;
  for (const n of targets) {
    const r = runExec(namespaceOf(t.name, n)!, cmd, n.env);
    if (targets.length > 1) out(`--- ${n.name}${r.code !== 0 ? ` (exit ${r.code})` : ''}`);
    if (r.stdout) process.stdout.write(r.stdout);
    if (r.stderr) process.stderr.write(r.stderr);
    if (r.code !== 0) failed = failed || r.code;
  }
  return failed;
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseLabArgs(argv);
  if (!parsed.ok) {
    for (const p of parsed.problems) err(`sfclab: ${p}`);
    err('Run sfclab --help for usage.');
    return 2;
  }
  if (parsed.command.kind === 'help') {
    out(USAGE);
    return 0;
  }
  try {
    return await run(parsed.command);
  } catch (e) {
    if (e instanceof LabInputError) {
      err(`sfclab: ${e.message}`);
      return 2;
    }
    err(`sfclab: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    err(`sfclab: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
