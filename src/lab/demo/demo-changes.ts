/**
 * The demo's live reconfigurations of chains/demo (pure): insert an IDS after the firewall, move
 * the IDS to the front, then remove the monitor. Each is a whole new spec, as an operator would
 * apply it; the controller works out what changed.
 */
import type { ChainFunction, ChainSpec } from '../../model/chain.js';

export interface DemoChange {
  readonly name: string;
  readonly describe: string;
  readonly spec: ChainSpec;
}

/** A stand-in IDS: a monitor (it watches and counts per protocol, drops nothing) on fn2. */
export const IDS: ChainFunction = { name: 'ids', type: 'monitor', placement: { node: 'fn2' } };

const order = (spec: ChainSpec): string => spec.functions.map((f) => f.name).join(' → ');

function withFunctions(base: ChainSpec, functions: readonly ChainFunction[]): ChainSpec {
  return { ...base, functions };
}

export function demoChanges(base: ChainSpec): DemoChange[] {
  const byName = (n: string): ChainFunction => {
    const f = base.functions.find((x) => x.name === n);
    if (!f) throw new Error(`chains/demo has no function ${n}; the demo expects firewall, nat and monitor`);
    return f;
  };
  const [firewall, nat, monitor] = [byName('firewall'), byName('nat'), byName('monitor')];
  const inserted = withFunctions(base, [firewall, IDS, nat, monitor]);
  const reordered = withFunctions(base, [IDS, firewall, nat, monitor]);
  const removed = withFunctions(base, [IDS, firewall, nat]);
  return [
    { name: 'insert', describe: `insert an IDS: ${order(inserted)}`, spec: inserted },
    { name: 'reorder', describe: `reorder: ${order(reordered)}`, spec: reordered },
    { name: 'remove', describe: `remove the monitor: ${order(removed)}`, spec: removed },
  ];
}

export const describeOrder = order;
