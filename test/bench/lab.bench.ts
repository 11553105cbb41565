/**
 * `npm run bench:lab` (root): chain set-up and reconfiguration in a real lab. Deploys
 * topology/large.clab.yml as lab `bench-lab` (namespaces `sfc-bench-lab-<node>`, function hosts'
 * capacity raised to 32), measures, and destroys it, also on failure and on SIGINT/SIGTERM.
 * One JSON line per metric on stdout (DESIGN.md §6), progress on stderr. See README.md.
 *
 * Knobs: BENCH_ONLY=setup,reconfig (both by default), BENCH_REPS (3).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ipn, listNamespaces } from '../../src/lab/netns.js';
import { ping } from '../../src/lab/ping.js';
import { destroyLab } from '../../src/lab/sfclab/destroy.js';
import { instanceNamespacePrefix, labNamespacePrefix, labPaths } from '../../src/lab/sfclab/lab-layout.js';
import { LabSession } from '../../src/lab/sfclab/lab-session.js';
import { emitter, log, runBench } from './bench-main.js';
import { benchReconfig } from './lab-reconfig.js';
import { benchChainSetup } from './lab-setup.js';
import { killPingers } from './lab-pinger.js';
import { BENCH_LAB, CHAIN_ONLY_DST, REPO, benchTopologyFile, killChildren } from './lab-support.js';

const GROUPS = ['setup', 'reconfig'] as const;
const emit = emitter('lab');
const reps = Number(process.env.BENCH_REPS ?? 3);
const only = (process.env.BENCH_ONLY ?? GROUPS.join(',')).split(',').filter((g): g is (typeof GROUPS)[number] => (GROUPS as readonly string[]).includes(g));
const topologyFile = benchTopologyFile();
const AGENT_NODES = ['edge1', 'edge2', 'edge3', 'spine1', 'spine2', ...Array.from({ length: 8 }, (_, i) => `fn${i + 1}`)];

/** Root is needed; a leftover bench lab is destroyed. (Agents scope their instance namespaces and pins by lab.) */
async function checkMachine(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench:lab needs root (it creates network namespaces)');
  if (existsSync(labPaths(BENCH_LAB).dir) || listNamespaces(labNamespacePrefix(BENCH_LAB)).length > 0) {
    log(`a previous ${BENCH_LAB} is left over: destroying it`);
    await destroyLab({ lab: BENCH_LAB, agentNodes: AGENT_NODES, log });
  }
}

/** Gives the server an address only a chain reaches (edge1 has no route to it until a chain gives one). */
async function chainOnlyDestination(lab: LabSession): Promise<void> {
  ipn(lab.ns('server'), ['addr', 'add', `${CHAIN_ONLY_DST}/32`, 'dev', 'lo']);
  ipn(lab.ns('edge3'), ['route', 'add', '10.99.0.0/16', 'via', lab.site('server').endpointIpv4]);
  const site = await ping(lab.ns('client1'), lab.site('server').endpointIpv4, { count: 3, rate: 100 });
  const chainOnly = await ping(lab.ns('client1'), CHAIN_ONLY_DST, { count: 3, rate: 100 });
  if (site.received === 0) throw new Error('client1 cannot reach the server by site routing: the lab is not working');
  if (chainOnly.received > 0) throw new Error(`client1 reaches ${CHAIN_ONLY_DST} without a chain: the bench could not tell a chain's packets apart`);
}

async function main(): Promise<void> {
  const started = Date.now();
  try {
    await checkMachine();
  } catch (e) {
    rmSync(dirname(topologyFile), { recursive: true, force: true });
    throw e;
  }
  log(`deploying ${BENCH_LAB} (topology/large.clab.yml renamed, capacity 32 per function host)`);
  const lab = await LabSession.deploy(topologyFile, (l) => log(`  sfclab: ${l}`));
  try {
    log(`deployed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await chainOnlyDestination(lab);
    if (only.includes('setup')) await benchChainSetup(lab, emit, reps);
    if (only.includes('reconfig')) await benchReconfig(lab, emit, reps);
  } finally {
    killChildren();
    killPingers();
    const t = Date.now();
    await lab.destroy();
    const left = [...listNamespaces(labNamespacePrefix(BENCH_LAB)), ...AGENT_NODES.flatMap((n) => listNamespaces(instanceNamespacePrefix(BENCH_LAB, n)))];
    log(`destroyed ${BENCH_LAB} in ${((Date.now() - t) / 1000).toFixed(1)} s${left.length ? `; LEFT OVER: ${left.join(', ')}` : ''}`);
    rmSync(dirname(topologyFile), { recursive: true, force: true });
    log(`bench:lab took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}

runBench(main, () => {
  killChildren();
  killPingers();
  try {
    execFileSync(join(REPO, 'bin', 'sfclab'), ['destroy', '-t', topologyFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    log(`bench: sfclab destroy -t ${topologyFile} failed; run it by hand`);
  }
  rmSync(dirname(topologyFile), { recursive: true, force: true });
});
