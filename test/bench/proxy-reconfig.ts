/**
 * `reconfig-nonedge-ops-<mode>` (mode = static, dynamic): in a lab (topology/demo.clab.yml as lab
 * `bench-proxy`, the real controller and agents), the kernel operations performed by function
 * hosts whose instances did not change, summed over three changes of one chain of monitors:
 *
 *   insert  [a@fn1, b@fn2]      → [a, x@fn2, b]   fn1 keeps its instance (counted)
 *   reorder [a, x, b]           → [b, a, x]       neither host's instances change (both counted)
 *   remove  [b, a, x]           → [b, a]          fn1 keeps its instance (counted)
 *
 * Operations are the agents' own totals (GetNode.operations: created + replaced + deleted, resyncs
 * included), read before a change and after it is Ready plus two resync periods. With the static
 * proxy the continuations on the hosts change; with the dynamic one only the ingress should.
 * The reference is the static figure of the same run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listNamespaces } from '../../src/lab/netns.js';
import { REPO_ROOT } from '../../src/lab/node-script.js';
import { destroyLab } from '../../src/lab/sfclab/destroy.js';
import { instanceNamespacePrefix, labNamespacePrefix } from '../../src/lab/sfclab/lab-layout.js';
import { LabSession } from '../../src/lab/sfclab/lab-session.js';
import type { ChainFunction, ChainSpec } from '../../src/model/chain.js';
import { type Emit, log } from './bench-main.js';

export const RECONFIG_LAB = 'bench-proxy';
const AGENT_NODES = ['edge1', 'fn1', 'transit', 'fn2', 'edge2'];
const RESYNC_SECONDS = 1;
const FUNCTION_HOSTS = ['fn1', 'fn2'] as const;
type Mode = 'static' | 'dynamic';

const mon = (name: string, node: string): ChainFunction => ({ name, type: 'monitor', placement: { node } });
const A = mon('a', 'fn1');
const B = mon('b', 'fn2');
const X = mon('x', 'fn2');
const CHANGES: readonly { readonly change: string; readonly functions: readonly ChainFunction[]; readonly unchanged: readonly string[] }[] = [
  { change: 'insert', functions: [A, X, B], unchanged: ['fn1'] },
  { change: 'reorder', functions: [B, A, X], unchanged: ['fn1', 'fn2'] },
  { change: 'remove', functions: [B, A], unchanged: ['fn1'] },
];

const spec = (functions: readonly ChainFunction[], proxy: Mode): ChainSpec => ({
  ingress: { node: 'edge1', match: { destinations: ['10.2.0.0/24'] } },
  egress: { node: 'edge2' },
  functions,
  proxy,
});

let labFile: string | undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function opsOfChanges(lab: LabSession, mode: Mode): Promise<{ total: number; detail: Record<string, Record<string, number>> }> {
  const name = `reconfig-${mode}`;
  const first = await lab.apply({ name, spec: spec([A, B], mode) });
  const modes = first.status.instances.map((i) => i.proxy);
  if (modes.some((m) => m !== mode)) throw new Error(`chain ${name}: the instances got proxies ${modes.join(',')}, not ${mode} (does fn1/fn2 report bpf-proxy?)`);
  await sleep(2 * RESYNC_SECONDS * 1000);
  const detail: Record<string, Record<string, number>> = {};
  let total = 0;
  for (const { change, functions, unchanged } of CHANGES) {
    const before = await lab.operationsByNode();
    await lab.apply({ name, spec: spec(functions, mode) });
    await sleep(2 * RESYNC_SECONDS * 1000 + 500); // the agents' resyncs after the change count too
    const after = await lab.operationsByNode();
    const d = Object.fromEntries(AGENT_NODES.map((n) => [n, after[n]! - before[n]!]));
    detail[change] = d;
    for (const n of unchanged) total += d[n]!;
    log(`proxy: ${mode} ${change} → [${functions.map((f) => f.name).join(',')}]: operations ${AGENT_NODES.map((n) => `${n} ${d[n]}`).join(', ')}; counted: ${unchanged.join(', ')}`);
  }
  await lab.delete(name);
  for (let i = 0; i < 100 && FUNCTION_HOSTS.some((n) => listNamespaces(instanceNamespacePrefix(RECONFIG_LAB, n)).length > 0); i++) await sleep(100);
  return { total, detail };
}

export async function benchReconfigOps(emit: Emit): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sfc-bench-proxy-'));
  const file = join(dir, 'lab.clab.yml');
  labFile = file;
  writeFileSync(file, readFileSync(join(REPO_ROOT, 'topology', 'demo.clab.yml'), 'utf8').replace(/^name: demo$/m, `name: ${RECONFIG_LAB}`));
  if (listNamespaces(labNamespacePrefix(RECONFIG_LAB)).length > 0) await destroyLab({ lab: RECONFIG_LAB, agentNodes: AGENT_NODES, log });
  log(`proxy: deploying lab ${RECONFIG_LAB} (topology/demo.clab.yml) for reconfig-nonedge-ops`);
  const lab = await LabSession.deploy(file, (l) => log(`  sfclab: ${l}`), RESYNC_SECONDS);
  try {
    const results = new Map<Mode, { total: number; detail: Record<string, Record<string, number>> }>();
    for (const mode of ['static', 'dynamic'] as const) results.set(mode, await opsOfChanges(lab, mode));
    const stat = results.get('static')!;
    const dyn = results.get('dynamic')!;
    emit('reconfig-nonedge-ops-static', stat.total, 'ops');
    // A ratio against a static figure of 0 would be meaningless: then there is no reference.
    if (stat.total > 0) emit('reconfig-nonedge-ops-dynamic', dyn.total, 'ops', 'reconfig-nonedge-ops-static, same run', stat.total);
    else emit('reconfig-nonedge-ops-dynamic', dyn.total, 'ops');
  } finally {
    await lab.destroy();
    labFile = undefined;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** For signal handlers (synchronous): `sfclab destroy` of the lab's file, whatever state it is in. */
export function destroyReconfigLabNow(): void {
  if (!labFile) return;
  try {
    execFileSync(join(REPO_ROOT, 'bin', 'sfclab'), ['destroy', '-t', labFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    // reported on stderr by sfclab
  }
}
