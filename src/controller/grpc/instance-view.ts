/**
 * The InstanceService's resources, read from the chains' status (the reconciler's observations):
 * one Instance per InstanceRef, in resource-name order. Pure.
 *
 * The status records, per instance, where it runs, its id and SIDs; the state is the chain's
 * `InstancesReady` condition (True: running; otherwise pending). It does not record per-instance
 * exits or byte and error counters, so `reason` and `counters` stay unset until it does.
 */
import type { Chain } from '../../model/chain.js';
import type { ChainInstance } from './codecs/instance-codec.js';
import { instanceName } from './codecs/resource-name.js';

export const instanceResourceName = (i: ChainInstance): string => instanceName(i.chain, i.function);

const byName = (a: ChainInstance, b: ChainInstance): number => {
  const [x, y] = [instanceResourceName(a), instanceResourceName(b)];
  return x < y ? -1 : x > y ? 1 : 0;
};

export function chainInstances(chain: Chain): ChainInstance[] {
  const ready = chain.status.conditions.some((c) => c.type === 'InstancesReady' && c.status === 'True');
  return chain.status.instances
    .map((i): ChainInstance => ({ chain: chain.name, function: i.function, node: i.node, id: i.id, sids: { ...i.sids }, state: ready ? 'running' : 'pending' }))
    .sort(byName);
}

/** The instances of many chains, in resource-name order. */
export const instancesOf = (chains: readonly Chain[]): ChainInstance[] => chains.flatMap(chainInstances).sort(byName);
